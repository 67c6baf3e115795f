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

/// <summary>What the RL benchmarks share: the toy task, running one algorithm's handler, and child processes.</summary>
internal static class RlBenchSupport
{
    /// <summary>Writes 2000 two-digit sums and a fresh toy GPT-2 of <paramref name="preset"/> under <paramref name="root"/>.</summary>
    public static (Checkpoint Policy, PromptSet Prompts) Setup(string root, string preset)
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

    /// <summary>Runs the online loop of <paramref name="key"/> (tbrm, grpo or ppo) with the request <paramref name="configure"/> fills in.</summary>
    public static async Task RunAsync(string key, Checkpoint policy, PromptSet prompts, IActivityContext context, Func<OnlineRequest, OnlineRequest> configure)
    {
        using (ActivityContextAccessor.Enter(context))
        {
            var accessor = new ActivityContextAccessor();
            _ = key switch
            {
                "tbrm" => await new TbrmHandler(accessor).Handle((TbrmRequest)configure(new TbrmRequest { Policy = policy, Prompts = prompts }), CancellationToken.None),
                "grpo" => await new GrpoHandler(accessor).Handle((GrpoRequest)configure(new GrpoRequest { Policy = policy, Prompts = prompts }), CancellationToken.None),
                "ppo" => await new PpoHandler(accessor).Handle((PpoRequest)configure(new PpoRequest { Policy = policy, Prompts = prompts }), CancellationToken.None),
                _ => throw new ArgumentException($"unknown algorithm '{key}'; allowed: tbrm, grpo, ppo", nameof(key)),
            };
        }
    }

    /// <summary>Runs this benchmark program again in a child process with <paramref name="args"/> and returns its stdout.</summary>
    public static async Task<string> RunChildAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]); // dotnet TbrmFlow.Bench.dll ...
        }
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var child = Process.Start(info)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return child.ExitCode == 0 ? output : throw new InvalidOperationException($"child '{string.Join(' ', args)}' exited {child.ExitCode}:\n{output}");
    }

    /// <summary>The integer argument at <paramref name="index"/>, or <paramref name="fallback"/>.</summary>
    public static int Int(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
