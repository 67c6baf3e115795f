using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>
/// One optimiser step of any rule on a batch of trajectories, shared by the online loop and the
/// off-policy rl.tbrm.update: reference log-probs -> rule.Prepare -> micro-batches (forward, loss,
/// backward with weight rows/B, or tokens/total for token-mean rules) -> clip -> step. Returns the step's metric tensors (not read).
/// </summary>
public static class PolicyUpdate
{
    /// <summary>Runs the step inside the caller's dispose scope.</summary>
    /// <param name="model">The policy (trained).</param>
    /// <param name="reference">The frozen reference.</param>
    /// <param name="rule">The algorithm.</param>
    /// <param name="optimizer">The policy's optimiser.</param>
    /// <param name="batch">The trajectories (old log-probs and rewards included).</param>
    /// <param name="temperature">The sampling temperature (scales the logits).</param>
    /// <param name="microBatchSize">Rows per forward/backward (0 = all).</param>
    /// <param name="gradClip">Global norm clip (0 = off).</param>
    /// <returns>Metric tensors keyed by their final names, and the gradient norm before clipping.</returns>
    public static (Dictionary<string, Tensor> Metrics, double GradNorm) Apply(CausalLM model, CausalLM reference, IUpdateRule rule,
        OptimizerHelper optimizer, TrajectoryBatch batch, double temperature, long microBatchSize, double gradClip)
    {
        Tensor refLogProbs;
        Tensor refVs1;
        using (no_grad())
        {
            var refScores = PolicyScoring.Score(reference, batch, temperature, EntropyMode.None);
            refLogProbs = refScores.LogProbs;                                                   // [B, T]
            refVs1 = refScores.Lse.select(1, 0);                                                // [B]
        }
        var (rows, stepMetrics) = rule.Prepare(batch, refLogProbs);
        rows["ref_lp"] = refLogProbs;
        if (rule.NeedsReferenceVs1)
        {
            rows["ref_vs1"] = refVs1;
        }

        optimizer.zero_grad();
        rule.ZeroGrad();
        var size = batch.Size;
        var micro = microBatchSize > 0 ? Math.Min(microBatchSize, size) : size;
        var loss = zeros(1).squeeze();
        var entropy = zeros(1).squeeze();
        var ruleMetrics = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var totalTokens = batch.Mask.sum().clamp_min(1.0);                                     // scalar
        for (long start = 0; start < size; start += micro)
        {
            var count = Math.Min(micro, size - start);
            var part = batch.Rows(start, count);
            var partRows = rows.ToDictionary(kv => kv.Key, kv => kv.Value.narrow(0, start, count));
            var outputs = PolicyScoring.Score(model, part, temperature, rule.EntropyGradient ? EntropyMode.WithGradient : EntropyMode.Detached);
            var result = rule.Loss(part, outputs, partRows["ref_lp"], partRows);
            // The rule's aggregation decides the weight, so that the accumulated gradient equals the whole batch's.
            var tokenWeight = part.Mask.sum() / totalTokens;                                   // scalar tensor, no host read
            var weight = rule.TokenMean ? tokenWeight : tensor(count / (double)size, ScalarType.Float32, part.Mask.device);
            (result.Loss * weight).backward();
            loss += result.Loss.detach() * weight;
            entropy += Masked.TokenMean(outputs.Entropy!.detach(), part.Mask) * tokenWeight;
            foreach (var (key, value) in result.Metrics)
            {
                ruleMetrics[key] = ruleMetrics.TryGetValue(key, out var sum) ? sum + (value * weight) : value * weight;
            }
        }
        var gradNorm = nn.utils.clip_grad_norm_(model.parameters(), gradClip > 0 ? gradClip : 1e30);
        optimizer.step();
        rule.Step();

        var metrics = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [MetricNames.Loss] = loss,
            [MetricNames.Entropy] = entropy,
            [MetricNames.Kl] = Masked.TokenMean(TokenScores.KlK3(batch.OldLogProbs, refLogProbs), batch.Mask),
        };
        foreach (var (key, value) in ruleMetrics.Concat(stepMetrics))
        {
            metrics[key == "clip_frac" ? MetricNames.ClipFrac : $"{rule.Name}/{key}"] = value;
        }
        return (metrics, gradNorm);
    }
}
