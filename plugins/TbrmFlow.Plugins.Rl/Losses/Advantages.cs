using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>Advantage estimators: GRPO's group normalisation and GAE.</summary>
public static class Advantages
{
    /// <summary>
    /// GRPO: <c>(r_i - mean_group) / (std_group + eps)</c> with the unbiased std (torch default).
    /// rewards [B * G], the G responses of a prompt consecutive -> [B * G]. With G = 1 there is
    /// no group to compare with: mean 0 and std 1 are used, so the advantage is the reward (verl).
    /// </summary>
    public static Tensor Group(Tensor rewards, int groupSize, double eps = 1e-6)
    {
        if (groupSize < 1 || rewards.shape[0] % groupSize != 0)
        {
            throw new ArgumentException($"{rewards.shape[0]} rewards do not split into groups of {groupSize}");
        }
        if (groupSize == 1)
        {
            return rewards.clone();
        }
        var grouped = rewards.reshape(-1, groupSize);                        // [B, G]
        var mean = grouped.mean([1], keepdim: true);                         // [B, 1]
        var std = grouped.std(1, unbiased: true, keepdim: true);             // [B, 1]
        return ((grouped - mean) / (std + eps)).reshape(-1);                 // [B * G]
    }

    /// <summary>
    /// Generalised advantage estimation over response tokens, right-padded:
    /// <c>delta_t = r_t + gamma V_{t+1} m_{t+1} - V_t</c>, <c>A_t = delta_t + gamma lambda m_{t+1} A_{t+1}</c>,
    /// returns <c>R_t = A_t + V_t</c>. tokenRewards, values, mask: [B, T] -> (advantages [B, T], returns [B, T]),
    /// both 0 at padding and without gradient. A loop over T, vectorised over B.
    /// </summary>
    public static (Tensor Advantages, Tensor Returns) Gae(Tensor tokenRewards, Tensor values, Tensor mask, double gamma = 1.0, double lambda = 1.0)
    {
        using var noGrad = no_grad();
        var length = (int)mask.shape[1];
        var advantages = zeros_like(values);                                  // [B, T]
        var next = zeros_like(values.select(1, 0));                           // [B] A_{t+1}
        var nextValue = zeros_like(next);                                     // [B] V_{t+1} m_{t+1}
        var nextMask = zeros_like(next);                                      // [B] m_{t+1}
        for (var t = length - 1; t >= 0; t--)
        {
            var delta = tokenRewards.select(1, t) + gamma * nextValue - values.select(1, t); // [B]
            var current = (delta + gamma * lambda * nextMask * next) * mask.select(1, t);    // [B]
            advantages.select(1, t).copy_(current);
            next = current;
            nextMask = mask.select(1, t);
            nextValue = values.select(1, t) * nextMask;
        }
        var returns = (advantages + values) * mask;                           // [B, T]
        return (advantages, returns);
    }

    /// <summary>
    /// PPO's token rewards: <c>-kl_coef (old - ref)</c> on every valid token plus the outcome on the
    /// last valid token. oldLogProbs, refLogProbs, mask: [B, T]; rewards [B] -> [B, T].
    /// </summary>
    public static Tensor TokenRewards(Tensor rewards, Tensor oldLogProbs, Tensor refLogProbs, Tensor mask, double klCoef)
    {
        var nextMask = Masked.Next(mask);                                      // [B, T]
        var isLast = mask - nextMask;                                          // [B, T]
        return (rewards.unsqueeze(1) * isLast - klCoef * (oldLogProbs - refLogProbs)) * mask;
    }
}
