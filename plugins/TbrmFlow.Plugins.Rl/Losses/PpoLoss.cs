using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>PPO's actor loss (TBRM.md section 5): clipped surrogate minus an entropy bonus.</summary>
public static class PpoLoss
{
    /// <summary>
    /// <c>surrogate(lp, old, A) - entropy_coef * token-mean entropy</c>. logProbs [B, T] (with gradient),
    /// oldLogProbs [B, T], advantages [B, T] (whitened GAE), entropy [B, T] (with gradient), mask [B, T]
    /// -> scalar. Metrics: the surrogate's.
    /// </summary>
    public static LossResult Actor(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor entropy, Tensor mask, double clip = 0.2, double entropyCoef = 0.001)
    {
        var surrogate = PolicyLoss.ClippedSurrogate(logProbs, oldLogProbs, advantages, mask, clip);
        var bonus = Masked.TokenMean(entropy, mask);                                // scalar
        return new LossResult(surrogate.Loss - entropyCoef * bonus, surrogate.Metrics);
    }
}
