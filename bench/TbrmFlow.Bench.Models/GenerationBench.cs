using System.Diagnostics;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Generation;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Bench.Models;

/// <summary>Tokens/s of batched sampling with the KV cache against recomputing the whole sequence each step.</summary>
internal static class GenerationBench
{
    public static void Run()
    {
        TorchRuntime.EnsureLoaded();
        var tokenizer = new CharTokenizer("0123456789+=");
        var config = ModelPresets.Create("tiny", tokenizer.VocabSize, maxPositions: 128);
        using var model = ModelFactory.Create(config, seed: 1);
        model.eval();
        const int Batch = 32;
        const int NewTokens = 64;
        var prompts = Enumerable.Range(0, Batch).Select(i => $"{i * 37 % 1000}+{i * 91 % 1000}=").ToList();
        var options = new GenerationOptions { MaxNewTokens = NewTokens, Seed = 1 };

        using (var warm = TextGenerator.Generate(model, tokenizer, prompts, options with { MaxNewTokens = 4 })) { }
        var sw = Stopwatch.StartNew();
        long cachedTokens;
        using (var r = TextGenerator.Generate(model, tokenizer, prompts, options))
        {
            cachedTokens = Batch * r.Tokens.shape[1];
        }
        var cachedSeconds = sw.Elapsed.TotalSeconds;

        sw.Restart();
        var uncachedTokens = GenerateWithoutCache(model, tokenizer, prompts, (int)(cachedTokens / Batch));
        var uncachedSeconds = sw.Elapsed.TotalSeconds;

        var withCache = cachedTokens / cachedSeconds;
        var without = uncachedTokens / uncachedSeconds;
        Console.WriteLine($"generation  tiny ({model.ParameterCount:N0} params), batch {Batch}, {cachedTokens / Batch} new tokens");
        Console.WriteLine($"  with KV cache    {withCache,10:F0} tokens/s ({cachedSeconds:F2} s)");
        Console.WriteLine($"  without cache    {without,10:F0} tokens/s ({uncachedSeconds:F2} s)");
        Console.WriteLine($"  ratio            {withCache / without,10:F1}x");
    }

    /// <summary>The same sampling loop recomputing the full sequence every step (no cache).</summary>
    private static long GenerateWithoutCache(CausalLM model, CharTokenizer tokenizer, List<string> prompts, int steps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(1, CPU);
        var (tokens, mask) = TbrmFlow.Torch.Scoring.Batching.LeftPad(prompts.Select(tokenizer.Encode).ToList(), tokenizer.PadId);
        for (var t = 0; t < steps; t++)
        {
            using var step = NewDisposeScope();
            var logits = model.Forward(tokens, mask).select(1, -1);                       // [B, V]
            var next = logits.log_softmax(-1).exp().multinomial(1, false, generator);     // [B, 1]
            var newTokens = cat([tokens, next], 1).MoveToOuterDisposeScope();
            var newMask = cat([mask, ones_like(next)], 1).MoveToOuterDisposeScope();
            tokens.Dispose();
            mask.Dispose();
            tokens = newTokens;
            mask = newMask;
        }
        return (long)prompts.Count * steps;
    }
}
