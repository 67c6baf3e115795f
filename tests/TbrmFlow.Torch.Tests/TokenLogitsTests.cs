using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

/// <summary>The chunked, recomputing token scorer against the whole-tensor float32 path (values and gradients).</summary>
public class TokenLogitsTests
{
    private const int B = 3, T = 7, H = 5, V = 11;

    [Theory]
    [InlineData(1.0, EntropyMode.None, 1L)]                    // one position per chunk
    [InlineData(0.7, EntropyMode.Detached, 2L * V * B)]         // two positions per chunk (the last chunk has one)
    [InlineData(1.3, EntropyMode.WithGradient, 3L * V * B)]
    public void ChunkedRecompute_EqualsOneChunkWithGraph_ValuesAndGradients(double temperature, EntropyMode entropy, long chunkElements)
    {
        using var scope = NewDisposeScope();
        var whole = Run(temperature, entropy, long.MaxValue, recompute: false);
        var chunked = Run(temperature, entropy, chunkElements, recompute: true);
        foreach (var (name, a) in whole)
        {
            // float32: 1e-6 relative to the tensor's scale (gradients here reach a few hundred; summation order differs).
            var diff = (a - chunked[name]).abs().max().item<float>();
            var scale = Math.Max(1f, a.abs().max().item<float>());
            Assert.True(diff <= 1e-6 * scale, $"{name}: max diff {diff} at scale {scale}");
        }
        // Entropy's gradient reaches the weights only in WithGradient mode: the two runs agree on that too.
        Assert.Equal(entropy == EntropyMode.WithGradient, whole["w_grad_entropy_only"].abs().max().item<float>() > 0);
    }

    [Fact]
    public void DetachedEntropy_HasNoGradient_ButTheSameValues()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var states = randn([B, T, H], generator: g).requires_grad_();
        var w = randn([V, H], generator: g).requires_grad_();
        var tokens = randint(0, V, [B, T], generator: g);
        var detached = TokenLogits.Compute(x => x.matmul(w.t()), states, tokens, V, new TokenLogitsOptions { Entropy = EntropyMode.Detached });
        var withGrad = TokenLogits.Compute(x => x.matmul(w.t()), states, tokens, V, new TokenLogitsOptions { Entropy = EntropyMode.WithGradient });
        Assert.False(detached.Entropy!.requires_grad);
        Assert.True(withGrad.Entropy!.requires_grad);
        Assert.True(detached.LogProbs.requires_grad);
        Assert.True((detached.Entropy - withGrad.Entropy).abs().max().item<float>() < 1e-6);
        Assert.Null(TokenLogits.Compute(x => x.matmul(w.t()), states, tokens, V, new TokenLogitsOptions()).Entropy);
    }

    [Fact]
    public void Stats_HandComputed()
    {
        // logits [1, 1, 4] = ln [1, 3, 0+, 0+] -> probabilities 1/4, 3/4, ~0, ~0.
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 0f, MathF.Log(3f), -1e4f, -1e4f }).reshape(1, 1, 4).to(ScalarType.BFloat16);
        var stats = TokenLogits.Stats(logits, tensor(new long[] { 1 }).reshape(1, 1), 1.0, null, EntropyMode.Detached, false);
        Assert.Equal(ScalarType.Float32, stats.dtype);                                        // bf16 in, float32 out
        var lse = Math.Log(1 + Math.Exp((double)logits[0, 0, 1].to(ScalarType.Float32).item<float>()));
        Assert.Equal(lse, stats[0, 0, 1].item<float>(), 5);
        Assert.Equal((double)logits[0, 0, 1].to(ScalarType.Float32).item<float>() - lse, stats[0, 0, 0].item<float>(), 5);
        Assert.Equal(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), stats[0, 0, 2].item<float>(), 2);      // bf16 rounding of ln 3
    }

    /// <summary>Values and gradients of a loss using every output, for one configuration.</summary>
    private static Dictionary<string, Tensor> Run(double temperature, EntropyMode entropy, long chunkElements, bool recompute)
    {
        using var g = new Generator(9);
        var x = randn([B, T, H], generator: g);
        var a = randn([H, H], generator: g).requires_grad_();                               // a layer below the head
        var w = randn([V, H], generator: g).requires_grad_();                               // the LM head [V, H]
        var tokens = randint(0, V, [B, T], generator: g);
        var cLp = randn([B, T], generator: g);
        var cLse = randn([B, T], generator: g);
        var cEnt = randn([B, T], generator: g);
        var states = x.matmul(a);                                                            // [B, T, H]
        var options = new TokenLogitsOptions { Temperature = temperature, Entropy = entropy, ChunkElements = chunkElements, Recompute = recompute };
        var stats = TokenLogits.Compute(h => h.matmul(w.t()), states, tokens, V, options);
        var loss = (cLp * stats.LogProbs).sum() + (cLse * stats.Lse).sum() + (cLse * stats.LogProbs).square().sum();
        if (stats.Entropy is { } ent)
        {
            loss += (cEnt * ent).sum();
        }
        loss.backward();
        var result = new Dictionary<string, Tensor>
        {
            ["lp"] = stats.LogProbs.detach(),
            ["lse"] = stats.Lse.detach(),
            ["a_grad"] = a.grad!.clone(),
            ["w_grad"] = w.grad!.clone(),
        };
        if (stats.Entropy is { } e)
        {
            result["entropy"] = e.detach();
        }
        // The entropy's own contribution to the head's gradient.
        w.grad!.zero_();
        var again = TokenLogits.Compute(h => h.matmul(w.t()), x.matmul(a), tokens, V, options);
        if (again.Entropy is { requires_grad: true } ent2)
        {
            (cEnt * ent2).sum().backward();
        }
        result["w_grad_entropy_only"] = w.grad!.clone();
        return result;
    }
}
