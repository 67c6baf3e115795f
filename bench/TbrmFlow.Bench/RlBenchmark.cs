using System.Diagnostics;
using System.Globalization;

namespace TbrmFlow.Bench;

/// <summary>
/// Cost per training iteration of TBRM n=1, GRPO n=4 and PPO n=1 at the same prompts per step, each
/// in its own child process (so peak memory is per algorithm), printed as ratios to TBRM n=1 beside
/// the paper's claims. Args after the name: <c>[steps] [prompts_per_step] [preset]</c> (default 12 32 tiny).
/// </summary>
public sealed class RlBenchmark : IBenchmark
{
    private static readonly (string Key, string Label, string Paper)[] Algorithms =
    [
        ("tbrm", "TBRM n=1", "1.00 / 1.00"),
        ("grpo", "GRPO n=4", "3.1x slower / ~TBRM n=4"),
        ("ppo", "PPO n=1", "1.3x slower / TBRM uses 33% less"),
    ];

    /// <inheritdoc />
    public string Name => "rl";

    /// <inheritdoc />
    public string Description => "RL cost per iteration: TBRM n=1, GRPO n=4, PPO n=1 (time and peak RSS as ratios to TBRM)";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "--one")
        {
            return await RunOneAsync(args[1], RlBenchSupport.Int(args, 2, 12), RlBenchSupport.Int(args, 3, 32), args.Length > 4 ? args[4] : "tiny");
        }
        var steps = RlBenchSupport.Int(args, 0, 12);
        var prompts = RlBenchSupport.Int(args, 1, 32);
        var preset = args.Length > 2 ? args[2] : "tiny";
        Console.WriteLine($"RL cost per iteration: preset {preset}, {prompts} prompts/step, {steps} steps (median after 2 warm-up), 1 thread; CPU shared with other work, so absolute times are pessimistic.");
        var results = new Dictionary<string, (double StepMs, double RssMb)>();
        foreach (var (key, _, _) in Algorithms)
        {
            var output = await RlBenchSupport.RunChildAsync("rl", "--one", key, steps.ToString(CultureInfo.InvariantCulture), prompts.ToString(CultureInfo.InvariantCulture), preset);
            var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"{key}: child printed no RESULT line:\n{output}");
            var parts = line.Split(' ');
            results[key] = (double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        var baseline = results["tbrm"];
        Console.WriteLine($"{"algorithm",-10} {"step ms",9} {"x TBRM",7} {"peak RSS MB",12} {"x TBRM",7}   paper (time / memory)");
        foreach (var (key, label, paper) in Algorithms)
        {
            var r = results[key];
            Console.WriteLine($"{label,-10} {r.StepMs,9:F1} {r.StepMs / baseline.StepMs,7:F2} {r.RssMb,12:F0} {r.RssMb / baseline.RssMb,7:F2}   {paper}");
        }
        return 0;
    }

    private static async Task<int> RunOneAsync(string key, int steps, int prompts, string preset)
    {
        var root = Path.Combine(Path.GetTempPath(), "tbrmflow-bench-rl", Guid.NewGuid().ToString("N"));
        var (policy, promptSet) = RlBenchSupport.Setup(root, preset);
        var context = new RlBenchContext(root);
        await RlBenchSupport.RunAsync(key, policy, promptSet, context, request => request with
        {
            Steps = steps,
            PromptsPerStep = prompts,
            MaxNewTokens = 5,
            CheckpointEvery = 0,
            Threads = 1,
            LogEvery = 1,
        });
        var times = context.StepSeconds.Skip(2).Order().ToList();
        var median = times[times.Count / 2] * 1000;
        var rss = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        Console.WriteLine(FormattableString.Invariant($"RESULT {median:F3} {rss:F1}"));
        Directory.Delete(root, recursive: true);
        return 0;
    }
}
