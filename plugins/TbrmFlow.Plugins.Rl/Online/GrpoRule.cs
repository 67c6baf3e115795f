using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>GRPO's update (TBRM.md section 5): group-normalised advantages, clipped surrogate, k3 KL penalty.</summary>
/// <param name="groupSize">Responses per prompt (rows of a group are consecutive).</param>
/// <param name="clip">Ratio clip epsilon.</param>
/// <param name="klCoef">Weight of the token-mean k3 KL.</param>
public sealed class GrpoRule(int groupSize, double clip, double klCoef) : IUpdateRule
{
    /// <inheritdoc />
    public string Name => "grpo";

    /// <inheritdoc />
    public bool TokenMean => true;

    /// <inheritdoc />
    public bool UsesOldLogProbs => true;

    /// <inheritdoc />
    public (Dictionary<string, Tensor> Rows, Dictionary<string, Tensor> Metrics) Prepare(TrajectoryBatch batch, Tensor refLogProbs)
    {
        var advantages = Advantages.Group(batch.Rewards, groupSize);                        // [B]
        return (new() { ["adv"] = advantages }, new() { ["adv_std"] = advantages.std(unbiased: false) });
    }

    /// <inheritdoc />
    public LossResult Loss(TrajectoryBatch micro, PolicyOutputs policy, Tensor refLogProbs, IReadOnlyDictionary<string, Tensor> rows)
    {
        var result = GrpoLoss.Compute(policy.LogProbs, micro.OldLogProbs, refLogProbs, rows["adv"], micro.Mask, clip, klCoef);
        var metrics = new Dictionary<string, Tensor>(result.Metrics);
        metrics.Remove("kl"); // the loop logs train/kl for every algorithm
        return result with { Metrics = metrics };
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
