using System.Diagnostics;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
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
        var (tensors, gradNorm) = PolicyUpdate.Apply(model, reference, rule, optimizer, rollouts.Batch, request.Temperature, request.MicroBatchSize, request.GradClip,
            new UpdatePlan(request.MiniBatchSize * (long)request.RolloutsPerPrompt, request.Epochs));

        // Metrics: one host read for all tensors of the step.
        var metrics = MetricReader.Read(tensors);
        var seconds = clock.Elapsed.TotalSeconds;
        metrics[MetricNames.RewardMean] = rollouts.Rewards.Average();
        metrics[MetricNames.Accuracy] = rollouts.Rewards.Count(r => r > 0) / (double)rollouts.Rewards.Length;
        metrics[MetricNames.ResponseLength] = rollouts.Lengths.Average();
        metrics[MetricNames.GradNorm] = gradNorm;
        metrics[MetricNames.TokensPerSecond] = rollouts.Lengths.Sum() / seconds;
        metrics[MetricNames.StepSeconds] = seconds;
        metrics[MetricNames.PeakRssMb] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        metrics["train/lr"] = lr;
        return metrics;
    }
}
