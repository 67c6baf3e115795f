using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>
/// The algorithm-specific part of the online loop. The loop samples, scores the reference, splits
/// the batch into micro-batches, runs the policy forward, backpropagates the rule's loss, clips and
/// steps; the rule only turns tensors into a loss (and may own extra models, like PPO's critic).
/// </summary>
public interface IUpdateRule : IDisposable
{
    /// <summary>Prefix of the rule's own metrics (<c>tbrm</c>, <c>grpo</c>, <c>ppo</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Per-row tensors computed once per step without gradient (advantages, old values, ...), each
    /// with B rows so that the loop can slice them per micro-batch; plus step-level metrics.
    /// </summary>
    (Dictionary<string, Tensor> Rows, Dictionary<string, Tensor> Metrics) Prepare(TrajectoryBatch batch, Tensor refLogProbs);

    /// <summary>The loss of one micro-batch (mean over its trajectories or tokens) with its metrics.</summary>
    LossResult Loss(TrajectoryBatch micro, PolicyOutputs policy, Tensor refLogProbs, IReadOnlyDictionary<string, Tensor> rows);

    /// <summary>
    /// True when <see cref="Loss"/> is a token-mean (GRPO, PPO): micro-batch gradients then accumulate with weight
    /// tokens(micro) / tokens(batch); false for a mean over trajectories (TBRM): weight rows(micro) / B. Either way
    /// the accumulated gradient equals the whole batch's.
    /// </summary>
    bool TokenMean => false;

    /// <summary>
    /// Whether <see cref="Loss"/> uses the entropy with gradient (PPO's entropy bonus); otherwise the entropy is
    /// computed without gradient, for logging only, and no [B, T, V] tensors are kept for it.
    /// </summary>
    bool EntropyGradient => false;

    /// <summary>
    /// True for ratio rules (GRPO, PPO): before the first update of a batch the loop recomputes the old log-probs
    /// with the sampling policy (no grad) so that rho = exp(lp - old) starts at exactly 1 and departs from it over
    /// the batch's mini-batches and epochs. TBRM has no ratio and skips that forward pass.
    /// </summary>
    bool UsesOldLogProbs => false;

    /// <summary>Whether <see cref="Loss"/> needs V_ref(s_1) in <c>rows["ref_vs1"]</c>.</summary>
    bool NeedsReferenceVs1 => false;

    /// <summary>Clears the gradients of models the rule owns.</summary>
    void ZeroGrad()
    {
    }

    /// <summary>Clips and steps the optimisers the rule owns (after the policy's backward pass).</summary>
    void Step()
    {
    }

    /// <summary>Writes the rule's own resumable state into a directory.</summary>
    void Save(string directory)
    {
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    void Load(string directory)
    {
    }
}
