using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>The PPO clipped surrogate shared by PPO and GRPO (TBRM.md section 5).</summary>
public static class PolicyLoss
{
    /// <summary>
    /// <c>token-mean of max(-A rho, -A clip(rho, 1 - eps, 1 + eps))</c>, <c>rho = exp(lp - old)</c>.
    /// logProbs [B, T] (with gradient), oldLogProbs [B, T], advantages [B, T], mask [B, T] -> scalar.
    /// Metrics: clip_frac (share of valid tokens where the clipped term is the larger one),
    /// ratio_mean.
    /// </summary>
    public static LossResult ClippedSurrogate(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, double clip = 0.2)
    {
        var ratio = (logProbs - oldLogProbs).exp();                          // [B, T]
        var unclipped = -advantages * ratio;                                 // [B, T]
        var clipped = -advantages * ratio.clamp(1.0 - clip, 1.0 + clip);    // [B, T]
        var loss = Masked.TokenMean(maximum(unclipped, clipped), mask);     // scalar
        var clipFrac = Masked.TokenMean(clipped.gt(unclipped).to_type(ScalarType.Float32), mask).detach();
        var metrics = new Dictionary<string, Tensor>
        {
            ["clip_frac"] = clipFrac,
            ["ratio_mean"] = Masked.TokenMean(ratio.detach(), mask),
        };
        return new LossResult(loss, metrics);
    }
}
