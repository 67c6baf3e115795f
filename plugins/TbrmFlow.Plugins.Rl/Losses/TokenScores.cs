using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>
/// Per-token quantities read off the logits at the response positions: log-probs of the taken
/// tokens, the log-partition V(s) = logsumexp over the whole vocabulary, and the entropy. Logits are
/// divided by the sampling temperature first, because that temperature defines Q (TBRM.md section 4).
/// </summary>
public static class TokenScores
{
    /// <summary>
    /// Log-probs of the taken tokens and the log-partition at each position.
    /// logits: [B, T, V] (position t predicts response token t); tokens: [B, T] int64.
    /// Returns logProbs [B, T] = z(s_t, a_t) - V(s_t) and lse [B, T] = V(s_t), both with gradient.
    /// Only the [B, T, V] input is materialised (plus one scaled copy when temperature != 1).
    /// </summary>
    public static (Tensor LogProbs, Tensor Lse) LogProbsAndLse(Tensor logits, Tensor tokens, double temperature = 1.0)
    {
        var z = temperature == 1.0 ? logits : logits / temperature;       // [B, T, V]
        var lse = z.logsumexp(-1);                                         // [B, T]
        var taken = z.gather(-1, tokens.unsqueeze(-1)).squeeze(-1);        // [B, T]
        return (taken - lse, lse);
    }

    /// <summary>Entropy of the temperature-scaled distribution. logits: [B, T, V] -> [B, T].</summary>
    public static Tensor Entropy(Tensor logits, double temperature = 1.0)
    {
        var z = temperature == 1.0 ? logits : logits / temperature;       // [B, T, V]
        var logp = z.log_softmax(-1);                                      // [B, T, V]
        return -(logp.exp() * logp).sum(-1);                               // [B, T]
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
