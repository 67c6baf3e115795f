using System.Diagnostics;
using System.Globalization;

namespace TbrmFlow.Bench;

/// <summary>
/// Whether memory stays flat over a long RL run: each algorithm's online loop (with held-out evaluation and
/// checkpoints, as the workflows run it) in its own child process, its resident set sampled 24 times; prints
/// RSS after warm-up, at half-way and at the end, and the growth over the second half in MB per 1000 steps
/// (Theil-Sen slope). A leak of one small tensor per step shows as a steady positive slope.
/// Args after the name: <c>[steps] [prompts_per_step] [preset]</c> (default 1200 16 tiny).
/// </summary>
public sealed class MemoryBenchmark : IBenchmark
{
    private static readonly string[] Algorithms = ["tbrm", "grpo", "ppo"];

    /// <inheritdoc />
    public string Name => "memory";

    /// <inheritdoc />
    public string Description => "RSS over a long TBRM / GRPO / PPO run: warm-up, half-way, end, MB per 1000 steps over the second half";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        if (args is ["--one", var algorithm, ..])
        {
            await RunOneAsync(algorithm, RlBenchSupport.Int(args, 2, 1200), RlBenchSupport.Int(args, 3, 16), args.Length > 4 ? args[4] : "tiny");
            return 0;
        }
        var steps = RlBenchSupport.Int(args, 0, 1200);
        var prompts = RlBenchSupport.Int(args, 1, 16);
        var preset = args.Length > 2 ? args[2] : "tiny";
        Console.WriteLine($"Memory over a long run: preset {preset}, {prompts} prompts/step, {steps} steps, eval every {steps / 6} steps, checkpoint every {steps / 4}, 1 thread.");
        Console.WriteLine($"{"algorithm",-9} {"warm MB",8} {"half MB",8} {"end MB",8} {"end/warm",9} {"MB/1000 steps (2nd half)",25}");
        foreach (var key in Algorithms)
        {
            var output = await RlBenchSupport.RunChildAsync("memory", "--one", key, Text(steps), Text(prompts), preset);
            var samples = output.Split('\n').Where(l => l.StartsWith("SAMPLE ", StringComparison.Ordinal))
                .Select(l => l.Split(' ')).Select(p => (Step: double.Parse(p[1], CultureInfo.InvariantCulture), Rss: double.Parse(p[2], CultureInfo.InvariantCulture)))
                .ToList();
            if (samples.Count < 4)
            {
                throw new InvalidOperationException($"{key}: too few samples:\n{output}");
            }
            var warm = samples[samples.Count / 8];
            var half = samples[samples.Count / 2];
            var end = samples[^1];
            var slope = Slope(samples.Skip(samples.Count / 2).Select(s => (s.Step, s.Rss)).ToList()) * 1000;
            Console.WriteLine(FormattableString.Invariant($"{key,-9} {warm.Rss,8:F0} {half.Rss,8:F0} {end.Rss,8:F0} {end.Rss / warm.Rss,9:F3} {slope,25:F2}"));
        }
        return 0;
    }

    private static async Task RunOneAsync(string key, int steps, int prompts, string preset)
    {
        var root = Path.Combine(Path.GetTempPath(), "tbrmflow-bench-memory", Guid.NewGuid().ToString("N"));
        var (policy, promptSet) = RlBenchSupport.Setup(root, preset);
        var every = Math.Max(1, steps / 24);
        var process = Process.GetCurrentProcess();
        var context = new RlBenchContext(root)
        {
            OnStep = step =>
            {
                if (step % every == 0)
                {
                    process.Refresh();
                    Console.WriteLine(FormattableString.Invariant($"SAMPLE {step} {process.WorkingSet64 / 1048576.0:F1}"));
                }
            },
        };
        await RlBenchSupport.RunAsync(key, policy, promptSet, context, request => request with
        {
            Steps = steps,
            PromptsPerStep = prompts,
            MaxNewTokens = 5,
            EvalPrompts = promptSet,
            EvalSize = 64,
            EvalEvery = Math.Max(1, steps / 6),
            CheckpointEvery = Math.Max(1, steps / 4),
            Threads = 1,
            LogEvery = 1,
        });
        Directory.Delete(root, recursive: true);
    }

    /// <summary>Theil-Sen slope of y over x (the median of the pairwise slopes): one transient spike, e.g. during an evaluation, does not move it.</summary>
    private static double Slope(List<(double X, double Y)> points)
    {
        var slopes = new List<double>();
        for (var i = 0; i < points.Count; i++)
        {
            for (var j = i + 1; j < points.Count; j++)
            {
                if (points[j].X != points[i].X)
                {
                    slopes.Add((points[j].Y - points[i].Y) / (points[j].X - points[i].X));
                }
            }
        }
        slopes.Sort();
        return slopes.Count == 0 ? 0 : slopes[slopes.Count / 2];
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
