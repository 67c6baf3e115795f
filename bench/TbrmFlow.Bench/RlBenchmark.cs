using System.Diagnostics;
using System.Globalization;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Rl.Grpo;
using TbrmFlow.Plugins.Rl.Online;
using TbrmFlow.Plugins.Rl.Ppo;
using TbrmFlow.Plugins.Rl.Tbrm;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;

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
            return await RunOneAsync(args[1], Int(args, 2, 12), Int(args, 3, 32), args.Length > 4 ? args[4] : "tiny");
        }
        var steps = Int(args, 0, 12);
        var prompts = Int(args, 1, 32);
        var preset = args.Length > 2 ? args[2] : "tiny";
        Console.WriteLine($"RL cost per iteration: preset {preset}, {prompts} prompts/step, {steps} steps (median after 2 warm-up), 1 thread; CPU shared with other work, so absolute times are pessimistic.");
        var results = new Dictionary<string, (double StepMs, double RssMb)>();
        foreach (var (key, _, _) in Algorithms)
        {
            var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            {
                info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]); // dotnet TbrmFlow.Bench.dll ...
            }
            foreach (var a in new[] { "rl", "--one", key, steps.ToString(CultureInfo.InvariantCulture), prompts.ToString(CultureInfo.InvariantCulture), preset })
            {
                info.ArgumentList.Add(a);
            }
            using var child = Process.Start(info)!;
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
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
        var (policy, promptSet) = Setup(root, preset);
        var context = new RlBenchContext(root);
        using (ActivityContextAccessor.Enter(context))
        {
            var accessor = new ActivityContextAccessor();
            _ = key switch
            {
                "tbrm" => await new TbrmHandler(accessor).Handle(Configure(new TbrmRequest { Policy = policy, Prompts = promptSet }, steps, prompts), CancellationToken.None),
                "grpo" => await new GrpoHandler(accessor).Handle(Configure(new GrpoRequest { Policy = policy, Prompts = promptSet }, steps, prompts), CancellationToken.None),
                _ => await new PpoHandler(accessor).Handle(Configure(new PpoRequest { Policy = policy, Prompts = promptSet }, steps, prompts), CancellationToken.None),
            };
        }
        var times = context.StepSeconds.Skip(2).Order().ToList();
        var median = times[times.Count / 2] * 1000;
        var rss = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        Console.WriteLine(FormattableString.Invariant($"RESULT {median:F3} {rss:F1}"));
        Directory.Delete(root, recursive: true);
        return 0;
    }

    private static T Configure<T>(T request, int steps, int prompts) where T : OnlineRequest => request with
    {
        Steps = steps,
        PromptsPerStep = prompts,
        MaxNewTokens = 5,
        CheckpointEvery = 0,
        Threads = 1,
        LogEvery = 1,
    };

    private static (Checkpoint Policy, PromptSet Prompts) Setup(string root, string preset)
    {
        var problems = new List<Problem>();
        var random = new Random(1);
        for (var i = 0; i < 2000; i++)
        {
            var a = random.Next(10, 100);
            var b = random.Next(10, 100);
            problems.Add(new Problem { Id = $"p{i}", Question = $"{a}+{b}=", Answer = (a + b).ToString(CultureInfo.InvariantCulture) });
        }
        var promptDir = Path.Combine(root, "prompts");
        PromptSetFiles.Write(promptDir, problems, "bench rl: 2-digit sums");
        var tokenizer = new CharTokenizer("+0123456789=");
        using var model = ModelFactory.Create(ModelPresets.Create(preset, tokenizer.VocabSize, "gpt2", 32), seed: 1);
        var checkpointDir = Path.Combine(root, "policy");
        ModelCheckpoint.Save(checkpointDir, model, tokenizer);
        return (new Checkpoint(checkpointDir), new PromptSet(promptDir));
    }

    private static int Int(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
