using System.Diagnostics;
using TbrmFlow.Torch;
using static TorchSharp.torch;

namespace TbrmFlow.Bench;

/// <summary>libtorch load time and the cost of a small MLP training step, as a baseline for this machine.</summary>
public sealed class NativeBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "native";

    /// <inheritdoc />
    public string Description => "libtorch load time; MLP (256-1024-256, batch 64) train step ms";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args)
    {
        var load = Stopwatch.StartNew();
        TorchRuntime.EnsureLoaded();
        Console.WriteLine($"libtorch load: {load.Elapsed.TotalMilliseconds:F0} ms, threads: {get_num_threads()}");

        TorchRuntime.Seed(1);
        var model = nn.Sequential(nn.Linear(256, 1024), nn.GELU(), nn.Linear(1024, 256));
        var optimizer = optim.AdamW(model.parameters(), 1e-3);
        var times = new List<double>();
        for (var step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var x = randn(64, 256);
            var loss = nn.functional.mse_loss(model.forward(x), x);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (step >= 10)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        Console.WriteLine($"MLP train step: median {times[times.Count / 2]:F2} ms, p90 {times[(int)(times.Count * 0.9)]:F2} ms (50 steps after 10 warm-up)");
        return Task.FromResult(0);
    }
}
