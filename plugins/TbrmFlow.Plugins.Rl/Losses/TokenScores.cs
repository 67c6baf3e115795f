using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>
/// Per-token quantities read off the logits at the response positions: log-probs of the taken
/// tokens, the log-partition V(s) = logsumexp over the whole vocabulary, and the entropy. Logits are
/// divided by the sampling temperature first, because that temperature defines Q (TBRM.md section 4).
/// The math is <see cref="TokenLogits.Stats"/> (one copy); the training path applies it chunk by chunk
/// through <see cref="TokenLogits.Compute"/>. These whole-tensor forms serve the loss tests.
/// </summary>
public static class TokenScores
{
    /// <summary>
    /// Log-probs of the taken tokens and the log-partition at each position.
    /// logits: [B, T, V] (position t predicts response token t); tokens: [B, T] int64.
    /// Returns logProbs [B, T] = z(s_t, a_t) - V(s_t) and lse [B, T] = V(s_t), both with gradient.
    /// Computed in float32 (float64 for float64 logits).
    /// </summary>
    public static (Tensor LogProbs, Tensor Lse) LogProbsAndLse(Tensor logits, Tensor tokens, double temperature = 1.0)
    {
        var stats = TokenLogits.Stats(logits, tokens, temperature, null, EntropyMode.None, entropyGradient: false); // [B, T, 2]
        return (stats.select(-1, 0), stats.select(-1, 1));
    }

    /// <summary>Entropy of the temperature-scaled distribution. logits: [B, T, V] -> [B, T].</summary>
    public static Tensor Entropy(Tensor logits, double temperature = 1.0)
    {
        using var tokens = zeros(logits.shape[..^1], ScalarType.Int64, logits.device);   // [B, T] (any token will do)
        return TokenLogits.Stats(logits, tokens, temperature, null, EntropyMode.WithGradient, entropyGradient: true).select(-1, 2);
    }

    /// <summary>
    /// The k3 ("low variance") estimate of KL(pi || pi_ref) per token on samples from pi:
    /// <c>exp(ref - lp) - (ref - lp) - 1</c>, clamped to [-10, 10] as verl does.
    /// logProbs, refLogProbs: [B, T] -> [B, T]; non-negative, 0 where the two agree.
    /// </summary>
    public static Tensor KlK3(Tensor logProbs, Tensor refLogProbs)
    {
        var d = refLogProbs - logProbs;                                    // [B, T]
        return (d.exp() - d - 1.0).clamp(-10.0, 10.0);                     // [B, T]
    }
}
