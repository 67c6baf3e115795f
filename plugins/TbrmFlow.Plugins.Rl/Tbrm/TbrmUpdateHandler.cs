using System.Diagnostics;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Online;
using TbrmFlow.Plugins.Rl.Rollouts;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Tbrm;

/// <summary>
/// Loads the RolloutBatch and runs <see cref="PolicyUpdate"/> with <see cref="TbrmRule"/> for the requested
/// steps. When the policy checkpoint carries an optimiser state (<see cref="OptimizerCarry"/>, written by an
/// earlier rl.tbrm.update) AdamW continues from it, so k chained updates of s steps equal one of k*s steps.
/// </summary>
public sealed class TbrmUpdateHandler(IActivityContextAccessor context) : IRequestHandler<TbrmUpdateRequest, OnlineResult>
{
    /// <inheritdoc />
    public async ValueTask<OnlineResult> Handle(TbrmUpdateRequest request, CancellationToken cancellationToken)
    {
        if (request.Steps < 1 || request.BatchSize < 0 || !(request.Beta > 0))
        {
            throw new ArgumentException($"steps must be >= 1, batch_size >= 0 and beta > 0 (got {request.Steps}, {request.BatchSize}, {request.Beta})");
        }
        _ = TbrmVariants.Get(request.Variant); // an unknown variant fails before any model is loaded, listing the valid ones
        var ctx = context.Current;
        TorchThreads.Apply(request.Threads);
        TorchRuntime.Seed(request.Seed);
        var records = RolloutFiles.Read(request.Rollouts.Path);
        if (records.Count == 0)
        {
            throw new ArgumentException($"rollouts: the RolloutBatch at {request.Rollouts.Path} holds no trajectories");
        }
        var sampled = records.Select(r => r.Sampling.Temperature).Distinct().ToList();
        if (sampled.Any(t => Math.Abs(t - request.Temperature) > 1e-9))
        {
            throw new ArgumentException($"temperature {request.Temperature} differs from the rollouts' sampling temperature ({string.Join(", ", sampled)}); the temperature that defines Q must be the sampling one");
        }
        var device = TorchRuntime.ResolveDevice(request.Device, ctx.Devices);
        using var policy = ModelCheckpoint.Load(request.Policy.Path, device);
        using var reference = ModelCheckpoint.Load((request.Reference ?? request.Policy).Path, device);
        foreach (var p in reference.Model.parameters())
        {
            p.requires_grad = false;
        }
        var trajectories = records.Select(r => new Trajectory(r.PromptTokens, r.ResponseTokens, r.LogProbs,
            request.SignedReward ? (2 * r.Reward) - 1 : r.Reward)).ToList();
        var options = new TbrmOptions { Beta = request.Beta, RewardScale = request.RewardScale, CalibrateV = request.CalibrateV };
        using var rule = new TbrmRule(options, request.Variant);
        using var optimizer = optim.AdamW(policy.Model.parameters(), request.LearningRate);
        var carried = 0L;
        if (OptimizerCarry.Carries(policy.State) && !request.ResetOptimizer)
        {
            OptimizerCarry.Load(request.Policy.Path, policy.State, optimizer);
            carried = OptimizerCarry.Steps(policy.State);
            ctx.Log($"rl.tbrm.update: continuing the optimiser state the policy carries ({carried} steps taken)");
        }
        else
        {
            ctx.Log(request.ResetOptimizer && OptimizerCarry.Carries(policy.State)
                ? "rl.tbrm.update: reset_optimizer is set: the policy's optimiser state is ignored, AdamW starts fresh"
                : "rl.tbrm.update: the policy carries no optimiser state: AdamW starts fresh");
        }
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = request.LearningRate; // this request's rate, whatever the carried state was saved with
        }
        var cursor = new PromptCursor<Trajectory>(trajectories, request.Seed);
        policy.Model.train();
        var loss = double.NaN;
        for (var step = 1; step <= request.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            // batch_size 0: the whole batch in file order every step (no reshuffle, so a step does not depend on how many came before).
            var chosen = request.BatchSize > 0 ? cursor.Next(request.BatchSize) : trajectories;
            var batch = TrajectoryBatch.Build(chosen, policy.Tokenizer.PadId, device);
            var (tensors, gradNorm) = PolicyUpdate.Apply(policy.Model, reference.Model, rule, optimizer, batch, request.Temperature, request.MicroBatchSize, request.GradClip);
            var metrics = MetricReader.Read(tensors);
            var seconds = clock.Elapsed.TotalSeconds;
            var tokens = chosen.Sum(t => t.ResponseTokens.Length);
            metrics[MetricNames.GradNorm] = gradNorm;
            metrics[MetricNames.RewardMean] = chosen.Average(t => t.Reward);
            metrics[MetricNames.Accuracy] = chosen.Count(t => t.Reward > 0) / (double)chosen.Count;
            metrics[MetricNames.ResponseLength] = tokens / (double)chosen.Count;
            metrics[MetricNames.ClipFrac] = request.GradClip > 0 && gradNorm > request.GradClip ? 1.0 : 0.0;
            metrics[MetricNames.TokensPerSecond] = tokens / seconds;
            metrics[MetricNames.StepSeconds] = seconds;
            metrics[MetricNames.PeakRssMb] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            metrics["train/lr"] = request.LearningRate;
            loss = metrics[MetricNames.Loss];
            ctx.LogMetrics(step, metrics);
            ctx.ReportProgress(step, request.Steps, $"loss {loss:0.###}");
        }
        var staging = ctx.Artifacts.CreateStaging();
        var state = new TrainingState
        {
            Step = policy.State.Step + request.Steps,
            Producer = "rl.tbrm.update",
            Lineage = [.. policy.State.Lineage, request.Policy.Hash ?? request.Policy.Path],
        };
        if (request.SaveOptimizer)
        {
            Directory.CreateDirectory(staging);
            state = OptimizerCarry.Save(staging, optimizer, state, carried + request.Steps);
        }
        ModelCheckpoint.Save(staging, policy.Model, policy.Tokenizer, state);
        var stored = await ctx.Artifacts.CommitAsync(ArtifactKind.Checkpoint, staging, cancellationToken);
        return new OnlineResult
        {
            Checkpoint = new Checkpoint(stored.Path, stored.Hash),
            Steps = request.Steps,
            FinalRewardMean = trajectories.Average(t => t.Reward),
            EvalAvgAt1 = null,
        };
    }
}
