using System.Diagnostics;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Models;
using static TorchSharp.torch;

namespace TbrmFlow.Bench.Models;

/// <summary>Time per training step (forward, cross-entropy, backward, AdamW) at batch 32 x 64 tokens.</summary>
internal static class TrainStepBench
{
    public static void Run()
    {
        TorchRuntime.EnsureLoaded();
        foreach (var (family, preset) in new[] { ("gpt2", "toy"), ("gpt2", "tiny"), ("gpt2", "small") })
        {
            var config = ModelPresets.Create(preset, 16, family, maxPositions: 128);
            Measure($"{family}/{preset}", config, 32, 64, steps: preset == "small" ? 5 : 10);
        }
    }

    public static double Measure(string label, ModelConfig config, int batch, int length, int steps)
    {
        using var model = ModelFactory.Create(config, seed: 1);
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), 1e-3);
        manual_seed(1);
        using var data = randint(2, config.VocabSize, [batch, length + 1], dtype: ScalarType.Int64);
        double Step()
        {
            using var scope = NewDisposeScope();
            var x = data.narrow(1, 0, length);                                      // [B, L]
            var y = data.narrow(1, 1, length);                                      // [B, L]
            var logits = model.Forward(x);                                          // [B, L, V]
            var loss = nn.functional.cross_entropy(logits.reshape(-1, config.VocabSize), y.reshape(-1));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }
        Step();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            Step();
        }
        var ms = sw.Elapsed.TotalMilliseconds / steps;
        Console.WriteLine($"train step  {label,-12} {model.ParameterCount,10:N0} params  batch {batch}x{length}  {ms,8:F1} ms/step");
        return ms;
    }
}
