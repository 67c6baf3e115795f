using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>
/// Trajectory Bellman residual minimisation (TBRM.md section 3) and its token-level ablation.
/// Gradients flow through V(s_1) and every log pi_theta term; log pi_ref, r and beta are constants.
/// </summary>
public static class TbrmLoss
{
    /// <summary>
    /// <c>delta = V(s_1) [- V_ref(s_1)] + sum_t m_t (lp_t - ref_t) - reward_scale * r / beta</c>,
    /// <c>loss = mean_B delta^2</c>: squared once per trajectory, sums not means, no ratios or clipping.
    /// Shapes: see <see cref="TbrmBatch"/>; delta is [B]. Metrics: delta_mean, delta_std, v_s1 and
    /// log_ratio (batch means of V(s_1) and of the summed log-ratio).
    /// </summary>
    public static LossResult Trajectory(TbrmBatch batch, TbrmOptions options)
    {
        var vS1 = batch.Lse.select(1, 0);                                            // [B]
        var anchor = Calibrated(vS1, batch, options);                                // [B]
        var logRatio = Masked.Sum(batch.LogProbs - batch.RefLogProbs, batch.Mask);   // [B]
        var target = batch.Rewards * (options.RewardScale / options.Beta);          // [B]
        var delta = anchor + logRatio - target;                                      // [B]
        var loss = delta.square().mean();                                            // scalar
        return new LossResult(loss, Metrics(delta, vS1, logRatio));
    }

    /// <summary>
    /// Classical per-token Bellman residual (the ablation the paper shows collapsing):
    /// <c>delta_t = z(s_t, a_t) - ref_t - V(s_{t+1}) - [t = last] * reward_scale * r / beta</c>, with
    /// <c>z = lp + lse</c> and V after the last token = 0; <c>loss = mean_B sum_t m_t delta_t^2</c>.
    /// Summed over t the residuals telescope to the trajectory residual. Shapes: see
    /// <see cref="TbrmBatch"/>; delta_t is [B, T]; delta metrics are over valid tokens.
    /// </summary>
    public static LossResult TokenBrm(TbrmBatch batch, TbrmOptions options)
    {
        var mask = batch.Mask;                                                       // [B, T]
        var nextMask = Masked.Next(mask);                                            // [B, T] m_{t+1}
        var nextV = Masked.Next(batch.Lse) * nextMask;                               // [B, T] V(s_{t+1}), 0 after the end
        var isLast = mask - nextMask;                                                // [B, T] 1 at the last valid token
        var target = batch.Rewards.unsqueeze(1) * isLast * (options.RewardScale / options.Beta); // [B, T]
        var logit = batch.LogProbs + batch.Lse;                                      // [B, T] z(s_t, a_t)
        var delta = logit - batch.RefLogProbs - nextV - target;                      // [B, T]
        if (options.CalibrateV && batch.RefVs1 is { } refVs1)
        {
            var first = zeros_like(delta);                                           // [B, T]
            first.select(1, 0).copy_(refVs1);
            delta -= first;
        }
        var loss = Masked.Sum(delta.square(), mask).mean();                          // scalar
        var vS1 = batch.Lse.select(1, 0);                                            // [B]
        var logRatio = Masked.Sum(batch.LogProbs - batch.RefLogProbs, mask);         // [B]
        var d = delta.detach();
        var metrics = new Dictionary<string, Tensor>
        {
            ["delta_mean"] = Masked.TokenMean(d, mask),
            ["delta_std"] = Masked.Variance(d, mask).sqrt(),
            ["v_s1"] = vS1.detach().mean(),
            ["log_ratio"] = logRatio.detach().mean(),
        };
        return new LossResult(loss, metrics);
    }

    private static Tensor Calibrated(Tensor vS1, TbrmBatch batch, TbrmOptions options)
    {
        if (!options.CalibrateV)
        {
            return vS1;
        }
        var refVs1 = batch.RefVs1 ?? throw new ArgumentException("calibrate_v needs V_ref(s_1) (RefVs1)");
        return vS1 - refVs1;
    }

    private static Dictionary<string, Tensor> Metrics(Tensor delta, Tensor vS1, Tensor logRatio)
    {
        var d = delta.detach();                                                      // [B]
        return new Dictionary<string, Tensor>
        {
            ["delta_mean"] = d.mean(),
            ["delta_std"] = d.std(unbiased: false),
            ["v_s1"] = vS1.detach().mean(),
            ["log_ratio"] = logRatio.detach().mean(),
        };
    }
}
