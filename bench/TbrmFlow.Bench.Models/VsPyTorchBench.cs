using System.Diagnostics;
using System.Text.Json;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Generation;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Bench.Models;

/// <summary>
/// The same TBRM step and KV-cache sampling in TorchSharp and in PyTorch (bench/pytorch/vs_pytorch.py, Debian's
/// python3-torch), in one run: qwen2 "small" widths (4 layers, d 256, 8 heads / 4 kv) with GPT-2's 50,257-token
/// vocabulary, tied embeddings, float32. TBRM step: batch 8, prompt 16, response 64 (lengths 32..64), reference
/// scores without grad, policy scores, loss, backward, clip 1.0, AdamW; median of 5 after one warm-up.
/// Sampling: 16 prompts of 16 tokens, 64 new tokens at temperature 1, best of 2. Same thread count on both sides.
/// </summary>
internal static class VsPyTorchBench
{
    private const int Batch = 8, Prompt = 16, Response = 64, Steps = 5;
    private const int GenBatch = 16, GenPrompt = 16, GenTokens = 64, GenRepeats = 2;
    private const double Beta = 0.05, Lr = 1e-6;

    public static void Run()
    {
        TorchRuntime.EnsureLoaded();
        var root = Path.Combine(Path.GetTempPath(), "tbrmflow-vs-pytorch");
        Directory.CreateDirectory(root);
        var tokenizer = new Gpt2BpeTokenizer();
        var config = ModelPresets.Create("small", tokenizer.VocabSize, "qwen2", maxPositions: 256);
        using (var init = ModelFactory.Create(config, seed: 3))
        {
            ModelCheckpoint.Save(Path.Combine(root, "policy"), init, tokenizer);
        }
        using var policy = ModelCheckpoint.Load(Path.Combine(root, "policy"));
        using var reference = ModelCheckpoint.Load(Path.Combine(root, "policy"));
        var label = $"qwen2 small ({policy.Model.ParameterCount:N0} params, V {config.VocabSize})";
        TbrmStep(root, policy.Model, reference.Model, label);
        Generation(root, policy.Model, tokenizer, label);
        var script = Path.Combine(CrossCheckBench.FindRepositoryRoot(), "bench", "pytorch", "vs_pytorch.py");
        var exitCode = CrossCheckBench.RunPython(script, root);
        if (exitCode != 0)
        {
            Console.WriteLine($"vs-pytorch: python exited with {exitCode} (files in {root})");
        }
    }

    private static void TbrmStep(string root, CausalLM policy, CausalLM reference, string label)
    {
        using var g = new Generator(11);
        using var tokens = randint(3, policy.VocabSize, [Batch, Prompt + Response], generator: g);
        using var lengths = randint(Response / 2, Response + 1, [Batch, 1], generator: g);
        using var mask = arange(Response).unsqueeze(0).lt(lengths).to(ScalarType.Float32);       // [B, T]
        using var rewards = randint(0, 2, [Batch], generator: g).to(ScalarType.Float32);
        using var attention = cat([ones(Batch, Prompt, dtype: ScalarType.Int64), mask.to(ScalarType.Int64)], 1);
        using var batch = new SequenceBatch(tokens.alias(), attention.alias(), Prompt, tokens.narrow(1, Prompt, Response), mask.alias());
        using var optimizer = optim.AdamW(policy.parameters(), Lr);
        policy.train();
        var times = new List<double>();
        for (var i = 0; i <= Steps; i++)
        {
            var sw = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            Tensor refLp;
            using (no_grad())
            {
                refLp = Scorer.TokenLogProbs(reference, batch);                                     // [B, T]
            }
            using var s = Scorer.Score(policy, batch);
            var delta = s.ValueS1 + ((s.TokenLogProbs - refLp) * mask).sum(1) - (rewards / Beta);  // [B]
            var loss = delta.square().mean();
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(policy.parameters(), 1.0);
            optimizer.step();
            if (i > 0)
            {
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        var document = new Dictionary<string, object>
        {
            ["tokens"] = Rows<long>(tokens),
            ["attention_mask"] = Rows<long>(attention),
            ["prompt_length"] = Prompt,
            ["response_mask"] = Rows<float>(mask),
            ["rewards"] = rewards.data<float>().ToArray(),
            ["beta"] = Beta,
            ["lr"] = Lr,
            ["steps"] = Steps,
            ["csharp_ms"] = times[times.Count / 2],
            ["label"] = $"{label}, TBRM batch {Batch} x ({Prompt} + {Response})",
        };
        File.WriteAllText(Path.Combine(root, "tbrm.json"), JsonSerializer.Serialize(document));
    }

    private static void Generation(string root, CausalLM model, ITokenizer tokenizer, string label)
    {
        model.eval();
        var random = new Random(4);
        var prompts = Enumerable.Range(0, GenBatch).Select(_ => Enumerable.Range(0, GenPrompt).Select(_ => random.Next(3, 50000)).ToArray()).ToList();
        var options = new GenerationOptions { MaxNewTokens = GenTokens, Seed = 1 };
        var best = 0.0;
        for (var i = 0; i < GenRepeats; i++)
        {
            var sw = Stopwatch.StartNew();
            using var result = TextGenerator.Generate(model, tokenizer, prompts, options);
            best = Math.Max(best, GenBatch * result.Tokens.shape[1] / sw.Elapsed.TotalSeconds);
        }
        var document = new Dictionary<string, object>
        {
            ["prompts"] = prompts,
            ["new_tokens"] = GenTokens,
            ["repeats"] = GenRepeats,
            ["csharp_tps"] = best,
            ["label"] = $"{GenBatch} x ({GenPrompt} + {GenTokens})",
        };
        File.WriteAllText(Path.Combine(root, "generation.json"), JsonSerializer.Serialize(document));
    }

    private static List<T[]> Rows<T>(Tensor t) where T : unmanaged
    {
        var width = (int)t.shape[1];
        var flat = t.contiguous().data<T>().ToArray();
        return [.. Enumerable.Range(0, (int)t.shape[0]).Select(i => flat.Skip(i * width).Take(width).ToArray())];
    }
}
