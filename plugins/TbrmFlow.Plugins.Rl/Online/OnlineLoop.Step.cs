using System.Diagnostics;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>One iteration of the online loop.</summary>
public sealed partial class OnlineLoop
{
    private Dictionary<string, double> RunStep(long step, CausalLM model, CausalLM reference, ITokenizer tokenizer, IRewardFunction reward,
        IUpdateRule rule, OptimizerHelper optimizer, PromptCursor<Problem> cursor)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var lr = request.LearningRate * LrSchedule.Factor(request.Schedule, step, request.Steps, request.WarmupSteps);
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }

        // Rollouts and rewards (no grad), then the frozen reference's log-probs on them.
        var rollouts = RolloutSampler.Sample(model, tokenizer, cursor.Next(request.PromptsPerStep), reward, Sampling(step), request.SignedReward);
        var batch = rollouts.Batch;
        Tensor refLogProbs;
        Tensor refVs1;
        using (no_grad())
        {
            var refScores = PolicyScoring.Score(reference, batch, request.Temperature, withEntropy: false);
            refLogProbs = refScores.LogProbs;                                                   // [B, T]
            refVs1 = refScores.Lse.select(1, 0);                                                // [B]
        }
        var (rows, stepMetrics) = rule.Prepare(batch, refLogProbs);
        rows["ref_lp"] = refLogProbs;
        if (rule.NeedsReferenceVs1)
        {
            rows["ref_vs1"] = refVs1;
        }

        // Micro-batches: each loss is a mean over its rows, weighted by its share of the batch.
        optimizer.zero_grad();
        rule.ZeroGrad();
        var size = batch.Size;
        var micro = request.MicroBatchSize > 0 ? Math.Min(request.MicroBatchSize, size) : size;
        var loss = zeros(1).squeeze();
        var entropy = zeros(1).squeeze();
        var ruleMetrics = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (long start = 0; start < size; start += micro)
        {
            var count = Math.Min(micro, size - start);
            var part = batch.Rows(start, count);
            var partRows = rows.ToDictionary(kv => kv.Key, kv => kv.Value.narrow(0, start, count));
            var outputs = PolicyScoring.Score(model, part, request.Temperature);
            var result = rule.Loss(part, outputs, partRows["ref_lp"], partRows);
            var weight = count / (double)size;
            (result.Loss * weight).backward();
            loss += result.Loss.detach() * weight;
            entropy += Masked.TokenMean(outputs.Entropy!.detach(), part.Mask) * weight;
            foreach (var (key, value) in result.Metrics)
            {
                ruleMetrics[key] = ruleMetrics.TryGetValue(key, out var sum) ? sum + (value * weight) : value * weight;
            }
        }
        var gradNorm = nn.utils.clip_grad_norm_(model.parameters(), request.GradClip > 0 ? request.GradClip : 1e30);
        optimizer.step();
        rule.Step();

        // Metrics: one host read for all tensors of the step.
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [MetricNames.Loss] = loss,
            [MetricNames.Entropy] = entropy,
            [MetricNames.Kl] = Masked.TokenMean(TokenScores.KlK3(batch.OldLogProbs, refLogProbs), batch.Mask),
        };
        foreach (var (key, value) in ruleMetrics.Concat(stepMetrics))
        {
            tensors[key == "clip_frac" ? MetricNames.ClipFrac : $"{rule.Name}/{key}"] = value;
        }
        var metrics = MetricReader.Read(tensors);
        var seconds = clock.Elapsed.TotalSeconds;
        metrics[MetricNames.RewardMean] = rollouts.Rewards.Average();
        metrics[MetricNames.Accuracy] = rollouts.Rewards.Count(r => r > 0) / (double)rollouts.Rewards.Length;
        metrics[MetricNames.ResponseLength] = rollouts.Lengths.Average();
        metrics[MetricNames.GradNorm] = gradNorm;
        // TBRM has no ratio to clip: its clip fraction is whether gradient-norm clipping was active.
        metrics.TryAdd(MetricNames.ClipFrac, request.GradClip > 0 && gradNorm > request.GradClip ? 1.0 : 0.0);
        metrics[MetricNames.TokensPerSecond] = rollouts.Lengths.Sum() / seconds;
        metrics[MetricNames.StepSeconds] = seconds;
        metrics[MetricNames.PeakRssMb] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        metrics["train/lr"] = lr;
        return metrics;
    }
}
