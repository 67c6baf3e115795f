using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>The PPO critic's loss.</summary>
public static class ValueLoss
{
    /// <summary>
    /// <c>0.5 token-mean max((V - R)^2, (V_clip - R)^2)</c>, <c>V_clip = V_old + clip(V - V_old, -c, c)</c>.
    /// values [B, T] (with gradient), oldValues [B, T], returns [B, T], mask [B, T] -> scalar.
    /// Metrics: value_clip_frac.
    /// </summary>
    public static LossResult Clipped(Tensor values, Tensor oldValues, Tensor returns, Tensor mask, double clip = 0.5)
    {
        var clippedValues = oldValues + (values - oldValues).clamp(-clip, clip);  // [B, T]
        var plain = (values - returns).square();                                 // [B, T]
        var clipped = (clippedValues - returns).square();                        // [B, T]
        var loss = 0.5 * Masked.TokenMean(maximum(plain, clipped), mask);        // scalar
        var metrics = new Dictionary<string, Tensor>
        {
            ["value_clip_frac"] = Masked.TokenMean(clipped.gt(plain).to_type(ScalarType.Float32), mask).detach(),
        };
        return new LossResult(loss, metrics);
    }
}
