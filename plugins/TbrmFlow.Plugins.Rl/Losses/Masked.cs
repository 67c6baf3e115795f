using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>
/// Masked aggregation over response tokens, written once and used by every loss. The mask is a
/// float tensor of the values' shape, 1 for a real token (up to and including EOS), 0 for padding.
/// </summary>
public static class Masked
{
    /// <summary>Per-sequence sum: <c>sum_t m * x</c>. x, m: [B, T] -> [B].</summary>
    public static Tensor Sum(Tensor values, Tensor mask) => (values * mask).sum(1);

    /// <summary>
    /// Token-mean over the whole batch: <c>sum(m * x) / max(sum(m), 1)</c>. x, m: [B, T] -> scalar.
    /// Every valid token weighs the same, so long responses weigh more (verl's "token-mean").
    /// </summary>
    public static Tensor TokenMean(Tensor values, Tensor mask) => (values * mask).sum() / mask.sum().clamp_min(1.0);

    /// <summary>
    /// The value at the next position, 0 after the last: <c>out[:, t] = x[:, t + 1]</c>. x: [B, T] -> [B, T].
    /// With the mask itself this gives m_{t+1}; <c>m - Next(m)</c> marks each sequence's last valid token.
    /// </summary>
    public static Tensor Next(Tensor values)
    {
        var length = values.shape[1];
        var tail = values.narrow(1, 1, length - 1);                     // [B, T - 1]
        return cat([tail, zeros_like(values.narrow(1, 0, 1))], 1);     // [B, T]
    }

    /// <summary>
    /// Variance of the valid entries, with Bessel's correction when more than one is valid.
    /// x, m: [B, T] -> scalar.
    /// </summary>
    public static Tensor Variance(Tensor values, Tensor mask)
    {
        var count = mask.sum();                                        // scalar
        var mean = TokenMean(values, mask);                            // scalar
        var squared = ((values - mean).square() * mask).sum();         // scalar
        var bessel = count / (count - 1.0).clamp_min(1.0);              // n/(n-1), 1 when n <= 1
        return squared / count.clamp_min(1.0) * bessel;
    }

    /// <summary>
    /// Whitening over valid entries: <c>(x - mean) / sqrt(var + eps)</c>, padding set to 0.
    /// x, m: [B, T] -> [B, T].
    /// </summary>
    public static Tensor Whiten(Tensor values, Tensor mask, double eps = 1e-8)
    {
        var mean = TokenMean(values, mask);                            // scalar
        var variance = Variance(values, mask);                         // scalar
        return (values - mean) * (variance + eps).rsqrt() * mask;      // [B, T]
    }
}
