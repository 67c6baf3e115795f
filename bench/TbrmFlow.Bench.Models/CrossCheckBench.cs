using System.Diagnostics;
using System.Text.Json;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Bench.Models;

/// <summary>
/// Writes both families' checkpoints, a scoring batch with the TorchSharp log-probs and a
/// forward+backward timing into a directory, then runs bench/pytorch/crosscheck.py on it with
/// Debian's python3-torch (see docs/models.md).
/// </summary>
internal static class CrossCheckBench
{
    public static void Run()
    {
        TorchRuntime.EnsureLoaded();
        var root = Path.Combine(Path.GetTempPath(), "tbrmflow-crosscheck");
        Directory.CreateDirectory(root);
        var tokenizer = new CharTokenizer("0123456789+=");
        foreach (var family in new[] { "gpt2", "qwen2" })
        {
            var config = ModelPresets.Create("tiny", tokenizer.VocabSize, family, maxPositions: 128);
            if (family == "qwen2")
            {
                config = config with { RopeTheta = 1e6, TieWordEmbeddings = false };
            }
            using var model = ModelFactory.Create(config, seed: 2);
            // Random init gives near-uniform predictions; sharpen them so that the comparison sees real spread.
            using (no_grad())
            {
                foreach (var p in model.parameters())
                {
                    p.mul_(3.0);
                }
            }
            ModelCheckpoint.Save(Path.Combine(root, family), model, tokenizer);
            WriteBatch(root, family, model, tokenizer);
            WriteStep(root, family, model, config);
        }
        var script = Path.Combine(FindRepositoryRoot(), "bench", "pytorch", "crosscheck.py");
        if (!File.Exists("/usr/bin/python3"))
        {
            Console.WriteLine($"crosscheck: files written to {root}; install python3-torch and run /usr/bin/python3 {script} {root}");
            return;
        }
        Console.WriteLine($"crosscheck: python exited with {RunPython(script, root)}");
    }

    /// <summary>Runs a bench/pytorch script on the files in <paramref name="root"/> with Debian's python3, libtorch's
    /// thread count of this process and one OpenBLAS thread; returns its exit code.</summary>
    internal static int RunPython(string script, string root)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(root);
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        info.Environment["TORCH_THREADS"] = get_num_threads().ToString();
        using var process = Process.Start(info)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    private static void WriteBatch(string root, string family, CausalLM model, ITokenizer tokenizer)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var random = new Random(5);
        var prompts = Enumerable.Range(0, 8).Select(_ => $"{random.Next(1000)}+{random.Next(100)}=").ToList();
        var responses = Enumerable.Range(0, 8).Select(i => random.Next((int)Math.Pow(10, 1 + (i % 4))).ToString()).ToList();
        using var batch = Batching.FromText(tokenizer, prompts, responses);
        var lp = Scorer.TokenLogProbs(model, batch);
        var document = new Dictionary<string, object>
        {
            ["tokens"] = Rows<long>(batch.Tokens),
            ["attention_mask"] = Rows<long>(batch.AttentionMask),
            ["prompt_length"] = batch.PromptLength,
            ["response_mask"] = Rows<float>(batch.ResponseMask),
            ["csharp_logprobs"] = Rows<float>(lp),
        };
        File.WriteAllText(Path.Combine(root, family + "-batch.json"), JsonSerializer.Serialize(document));
    }

    private static void WriteStep(string root, string family, CausalLM model, ModelConfig config)
    {
        const int Batch = 32;
        const int Length = 64;
        const int Steps = 5;
        model.train();
        manual_seed(3);
        using var tokens = randint(2, config.VocabSize, [Batch, Length + 1], dtype: ScalarType.Int64);
        void Step()
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(tokens.narrow(1, 0, Length));                                   // [B, L, V]
            var loss = nn.functional.cross_entropy(logits.reshape(-1, config.VocabSize), tokens.narrow(1, 1, Length).reshape(-1));
            model.zero_grad();
            loss.backward();
        }
        Step();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Steps; i++)
        {
            Step();
        }
        var document = new Dictionary<string, object>
        {
            ["tokens"] = Rows<long>(tokens),
            ["steps"] = Steps,
            ["csharp_ms"] = sw.Elapsed.TotalMilliseconds / Steps,
            ["label"] = $"{family}/tiny {model.ParameterCount:N0} params, batch {Batch}x{Length}, {get_num_threads()} thread(s)",
        };
        File.WriteAllText(Path.Combine(root, family + "-step.json"), JsonSerializer.Serialize(document));
    }

    private static List<T[]> Rows<T>(Tensor t) where T : unmanaged
    {
        var width = (int)t.shape[1];
        var flat = t.contiguous().data<T>().ToArray();
        return [.. Enumerable.Range(0, (int)t.shape[0]).Select(i => flat.Skip(i * width).Take(width).ToArray())];
    }

    internal static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TbrmFlow.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
