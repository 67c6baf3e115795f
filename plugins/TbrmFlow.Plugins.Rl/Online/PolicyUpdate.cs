using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>
/// The optimiser updates of any rule on one batch of trajectories, shared by the online loop and the
/// off-policy rl.tbrm.update: reference log-probs -> (ratio rules) old log-probs of the sampling policy,
/// once -> rule.Prepare, once -> for each epoch, for each mini-batch: micro-batches (forward, loss,
/// backward with weight rows/rows(mini), or tokens/tokens(mini) for token-mean rules) -> clip -> step.
/// With one mini-batch and one epoch (the default) this is one optimiser step per batch.
/// Returns the metric tensors (not read), averaged over the updates.
/// </summary>
public static class PolicyUpdate
{
    /// <summary>Runs the updates inside the caller's dispose scope.</summary>
    /// <param name="model">The policy (trained).</param>
    /// <param name="reference">The frozen reference.</param>
    /// <param name="rule">The algorithm.</param>
    /// <param name="optimizer">The policy's optimiser.</param>
    /// <param name="batch">The trajectories (sampling log-probs and rewards included).</param>
    /// <param name="temperature">The sampling temperature (scales the logits).</param>
    /// <param name="microBatchSize">Rows per forward/backward (0 = the whole mini-batch).</param>
    /// <param name="gradClip">Global norm clip (0 = off).</param>
    /// <param name="plan">Mini-batches and epochs (null = one update on the whole batch).</param>
    /// <param name="updates">When given, receives each update's metric tensors (loss, clip_frac, ratio_mean, grad_norm, ...).</param>
    /// <returns>Metric tensors keyed by their final names (means over the updates), and the mean gradient norm before clipping.</returns>
    public static (Dictionary<string, Tensor> Metrics, double GradNorm) Apply(CausalLM model, CausalLM reference, IUpdateRule rule,
        OptimizerHelper optimizer, TrajectoryBatch batch, double temperature, long microBatchSize, double gradClip,
        UpdatePlan? plan = null, List<Dictionary<string, Tensor>>? updates = null)
    {
        plan ??= UpdatePlan.OneUpdate;
        var size = batch.Size;
        var mini = plan.MiniBatchRows > 0 ? plan.MiniBatchRows : size;
        if (size % mini != 0 || plan.Epochs < 1)
        {
            throw new ArgumentException($"mini-batches of {mini} rows must divide the batch of {size} rows and epochs must be >= 1 (got {plan.Epochs})");
        }
        var micro = microBatchSize > 0 ? Math.Min(microBatchSize, mini) : mini;

        Tensor refLogProbs;
        Tensor refVs1;
        using (no_grad())
        {
            var refScores = PolicyScoring.Score(reference, batch, temperature, EntropyMode.None);
            refLogProbs = refScores.LogProbs;                                                   // [B, T]
            refVs1 = refScores.Lse.select(1, 0);                                                // [B]
            if (rule.UsesOldLogProbs)
            {
                // Old log-probs of the sampling policy through the training path, before any update (verl recomputes them
                // the same way): the ratio is exactly 1 at the first update whatever the generator's numerics were.
                batch = batch.WithOldLogProbs(OldLogProbs(model, batch, temperature, micro));  // [B, T]
            }
        }
        var (rows, stepMetrics) = rule.Prepare(batch, refLogProbs);
        rows["ref_lp"] = refLogProbs;
        if (rule.NeedsReferenceVs1)
        {
            rows["ref_vs1"] = refVs1;
        }

        var loss = zeros(1).squeeze();
        var entropy = zeros(1).squeeze();
        var clipped = zeros(1).squeeze();
        var ruleMetrics = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var gradNorms = 0.0;
        var count = plan.Epochs * (size / mini);
        for (var epoch = 0; epoch < plan.Epochs; epoch++)
        {
            // Mini-batches in batch order (verl's default, shuffle off): rows of a prompt stay together.
            for (long first = 0; first < size; first += mini)
            {
                var update = Update(model, rule, optimizer, batch, rows, temperature, first, mini, micro, gradClip);
                gradNorms += update.GradNorm;
                loss += update.Loss / count;
                entropy += update.Entropy / count;
                var wasClipped = gradClip > 0 && update.GradNorm > gradClip;
                clipped += wasClipped ? 1.0 / count : 0.0;
                foreach (var (key, value) in update.Metrics)
                {
                    ruleMetrics[key] = ruleMetrics.TryGetValue(key, out var sum) ? sum + (value / count) : value / count;
                }
                if (updates is not null)
                {
                    var one = new Dictionary<string, Tensor>(update.Metrics, StringComparer.Ordinal)
                    {
                        [MetricNames.Loss] = update.Loss,
                        [MetricNames.GradNorm] = tensor(update.GradNorm),
                    };
                    updates.Add(one);
                }
            }
        }

        var metrics = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [MetricNames.Loss] = loss,
            [MetricNames.Entropy] = entropy,
            [MetricNames.Kl] = Masked.TokenMean(TokenScores.KlK3(batch.OldLogProbs, refLogProbs), batch.Mask),
            // Without a ratio (TBRM) the clip fraction is the share of updates whose gradient norm was clipped.
            [MetricNames.ClipFrac] = clipped,
        };
        foreach (var (key, value) in ruleMetrics.Concat(stepMetrics))
        {
            metrics[key == "clip_frac" ? MetricNames.ClipFrac : $"{rule.Name}/{key}"] = value;
        }
        return (metrics, gradNorms / count);
    }

    /// <summary>One optimiser step on rows [first, first + rows) of the batch, in micro-batches of <paramref name="micro"/> rows.</summary>
    private static (Tensor Loss, Tensor Entropy, Dictionary<string, Tensor> Metrics, double GradNorm) Update(CausalLM model, IUpdateRule rule,
        OptimizerHelper optimizer, TrajectoryBatch batch, Dictionary<string, Tensor> rows, double temperature, long first, long size, long micro, double gradClip)
    {
        optimizer.zero_grad();
        rule.ZeroGrad();
        var loss = zeros(1).squeeze();
        var entropy = zeros(1).squeeze();
        var ruleMetrics = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var totalTokens = batch.Mask.narrow(0, first, size).sum().clamp_min(1.0);             // scalar
        for (var start = first; start < first + size; start += micro)
        {
            var count = Math.Min(micro, first + size - start);
            var part = batch.Rows(start, count);
            var partRows = rows.ToDictionary(kv => kv.Key, kv => kv.Value.narrow(0, start, count));
            var outputs = PolicyScoring.Score(model, part, temperature, rule.EntropyGradient ? EntropyMode.WithGradient : EntropyMode.Detached);
            var result = rule.Loss(part, outputs, partRows["ref_lp"], partRows);
            // The rule's aggregation decides the weight, so that the accumulated gradient equals the mini-batch's.
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
        return (loss, entropy, ruleMetrics, gradNorm);
    }

    /// <summary>log pi(a_t|s_t) [B, T] of the current policy on the batch, without gradient, in micro-batches.</summary>
    private static Tensor OldLogProbs(CausalLM model, TrajectoryBatch batch, double temperature, long micro)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < batch.Size; start += micro)
        {
            var part = batch.Rows(start, Math.Min(micro, batch.Size - start));
            parts.Add(PolicyScoring.Score(model, part, temperature, EntropyMode.None).LogProbs);
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 0);
    }
}

/// <summary>How many optimiser updates one batch of trajectories gives (verl's ppo_mini_batch_size and ppo_epochs).</summary>
/// <param name="MiniBatchRows">Trajectories per optimiser update (0 = the whole batch); must divide the batch.</param>
/// <param name="Epochs">Passes over the batch.</param>
public sealed record UpdatePlan(long MiniBatchRows, int Epochs)
{
    /// <summary>One update on the whole batch (TBRM's Algorithm 1).</summary>
    public static UpdatePlan OneUpdate { get; } = new(0, 1);
}
