using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>GRPO's actor loss (TBRM.md section 5): clipped surrogate plus a k3 KL penalty to the reference.</summary>
public static class GrpoLoss
{
    /// <summary>
    /// <c>surrogate(lp, old, A) + kl_coef * token-mean k3(lp, ref)</c>. logProbs [B, T] (with gradient),
    /// oldLogProbs, refLogProbs [B, T], advantages [B] (one per response, broadcast over its tokens),
    /// mask [B, T] -> scalar. Metrics: the surrogate's plus kl (token-mean k3).
    /// </summary>
    public static LossResult Compute(Tensor logProbs, Tensor oldLogProbs, Tensor refLogProbs, Tensor advantages, Tensor mask, double clip = 0.2, double klCoef = 0.001)
    {
        var tokenAdvantages = advantages.unsqueeze(1).expand_as(mask);              // [B, T]
        var surrogate = PolicyLoss.ClippedSurrogate(logProbs, oldLogProbs, tokenAdvantages, mask, clip);
        var kl = Masked.TokenMean(TokenScores.KlK3(logProbs, refLogProbs), mask);   // scalar
        var metrics = new Dictionary<string, Tensor>(surrogate.Metrics) { ["kl"] = kl.detach() };
        return new LossResult(surrogate.Loss + klCoef * kl, metrics);
    }
}
