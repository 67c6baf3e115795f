using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Rl.Online;
using TbrmFlow.Plugins.Rl.Rollouts;
using TbrmFlow.Plugins.Rl.Tbrm;
using TbrmFlow.Plugins.Rl.Tests.Support;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Checkpoints;

namespace TbrmFlow.Plugins.Rl.Tests.Offline;

/// <summary>rollout.generate -> rl.tbrm.update on the tiny policy: the off-policy path of issue 6.</summary>
[Collection(TinyPolicyGroup.Name)]
public sealed class TbrmUpdateTests(TinyPolicy tiny)
{
    private static readonly string[] StepMetrics =
    [
        MetricNames.RewardMean, MetricNames.Accuracy, MetricNames.Loss, MetricNames.Kl, MetricNames.Entropy, MetricNames.ResponseLength,
        MetricNames.GradNorm, MetricNames.ClipFrac, MetricNames.TokensPerSecond, MetricNames.StepSeconds, MetricNames.PeakRssMb,
        "tbrm/delta_mean", "tbrm/delta_std", "tbrm/v_s1", "tbrm/log_ratio",
    ];

    [Fact]
    public async Task TwoChainedUpdates_EqualOneUpdateOfTwoSteps_BecauseTheOptimiserStateTravelsWithTheCheckpoint()
    {
        var rollouts = await Generate();
        var two = await Update(tiny.Policy, rollouts, steps: 2);
        var first = await Update(tiny.Policy, rollouts, steps: 1);
        var second = await Update(first.Result.Checkpoint, rollouts, steps: 1);
        var restarted = await Update(first.Result.Checkpoint, rollouts, steps: 1, reset: true);

        // The state file and the step counter are in the artifact.
        var state = TrainingState.Load(second.Result.Checkpoint.Path);
        Assert.Equal(OptimizerCarry.FileName, state.OptimizerStateFile);
        Assert.True(File.Exists(Path.Combine(second.Result.Checkpoint.Path, OptimizerCarry.FileName)));
        Assert.Equal(2, OptimizerCarry.Steps(state));
        Assert.Equal(1, OptimizerCarry.Steps(TrainingState.Load(restarted.Result.Checkpoint.Path)));
        Assert.Contains(second.Context.Logs, l => l.Contains("continuing the optimiser state", StringComparison.Ordinal));
        Assert.Contains(restarted.Context.Logs, l => l.Contains("reset_optimizer is set", StringComparison.Ordinal));

        // The second chained step sees the same weights and batch as step 2 of the single run: same loss.
        Assert.Equal(two.Context.Metrics.Single(m => m.Step == 2).Metrics[MetricNames.Loss],
            second.Context.Metrics.Single(m => m.Step == 1).Metrics[MetricNames.Loss], 5);

        var expected = Weights(two.Result.Checkpoint);
        var chained = Weights(second.Result.Checkpoint);
        var fresh = Weights(restarted.Result.Checkpoint);
        var chainedGap = expected.Keys.Max(k => MaxAbsDiff(expected[k], chained[k]));
        var freshGap = expected.Keys.Max(k => MaxAbsDiff(expected[k], fresh[k]));
        // Same weights, batch (file order) and AdamW moments/step counts: equal bit for bit on CPU.
        Assert.True(chainedGap <= 1e-7, $"chained updates differ from one 2-step update by {chainedGap}");
        // A restarted AdamW takes a different second step (bias correction and moments from zero): the
        // comparison above would catch a lost optimiser state.
        Assert.True(freshGap > 1e-5, $"a reset optimiser should differ from the continued one, max difference {freshGap}");
    }

    [Fact]
    public async Task Update_LogsTheCommonMetricNamesEveryStep_AndMovesTheWeights()
    {
        var rollouts = await Generate();
        var run = await Update(tiny.Policy, rollouts, steps: 3, batchSize: 16, microBatchSize: 5);

        Assert.Equal([1L, 2L, 3L], run.Context.Metrics.Select(m => m.Step));
        foreach (var (_, metrics) in run.Context.Metrics)
        {
            Assert.All(StepMetrics, name => Assert.True(double.IsFinite(metrics.GetValueOrDefault(name, double.NaN)), $"{name} missing or not finite"));
            Assert.InRange(metrics[MetricNames.Accuracy], 0, 1);
        }
        var before = Weights(tiny.Policy);
        var after = Weights(run.Result.Checkpoint);
        Assert.All(before.Keys, k => Assert.True(MaxAbsDiff(before[k], after[k]) > 0, $"{k} did not change"));
    }

    [Fact]
    public async Task Update_RefusesATemperatureOtherThanTheRollouts()
    {
        var rollouts = await Generate();
        var context = new RecordingContext(tiny.NewDirectory());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.Run(a => new TbrmUpdateHandler(a).Handle(
            new TbrmUpdateRequest { Policy = tiny.Policy, Rollouts = rollouts, Temperature = 0.7, Threads = 1 }, CancellationToken.None)));
        Assert.Contains("sampling temperature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_RefusesAnEmptyRolloutBatch_WithTheInputName()
    {
        var dir = tiny.NewDirectory();
        RolloutFiles.Write(dir, [], "test: empty");
        var context = new RecordingContext(tiny.NewDirectory());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.Run(a => new TbrmUpdateHandler(a).Handle(
            new TbrmUpdateRequest { Policy = tiny.Policy, Rollouts = new RolloutBatch(dir), Threads = 1 }, CancellationToken.None)));
        Assert.Contains("rollouts: the RolloutBatch", error.Message, StringComparison.Ordinal);
        Assert.Contains("no trajectories", error.Message, StringComparison.Ordinal);
    }

    private async Task<RolloutBatch> Generate()
    {
        var context = new RecordingContext(tiny.NewDirectory(), "rollout");
        var result = await context.Run(a => new GenerateHandler(a).Handle(new GenerateRequest
        {
            Checkpoint = tiny.Policy,
            Prompts = tiny.Prompts,
            NumPrompts = 24,
            RolloutsPerPrompt = 2,
            MaxNewTokens = 4,
            Threads = 1,
            Seed = 7,
        }, CancellationToken.None));
        Assert.Equal(48, result.Count);
        // The documented RolloutBatch record: one log-prob per response token, the sampling settings and the source checkpoint.
        var records = RolloutFiles.Read(result.Rollouts.Path);
        Assert.Equal(48, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal(r.ResponseTokens.Length, r.LogProbs.Length);
            Assert.Contains(r.FinishReason, new[] { "eos", "length" });
            Assert.Equal(tiny.Policy.Hash ?? tiny.Policy.Path, r.CheckpointId);
            Assert.Equal(1.0, r.Sampling.Temperature);
            Assert.All(r.LogProbs, lp => Assert.True(lp <= 0));
        });
        Assert.Equal(24, records.Select(r => r.PromptId).Distinct().Count());
        Assert.Equal(result.RewardMean, records.Average(r => r.Reward), 9);
        return result.Rollouts;
    }

    private async Task<(OnlineResult Result, RecordingContext Context)> Update(Checkpoint policy, RolloutBatch rollouts, int steps,
        bool reset = false, int batchSize = 0, int microBatchSize = 0)
    {
        var context = new RecordingContext(tiny.NewDirectory(), "update");
        var result = await context.Run(a => new TbrmUpdateHandler(a).Handle(new TbrmUpdateRequest
        {
            Policy = policy,
            Reference = tiny.Policy,
            Rollouts = rollouts,
            Beta = 0.5,
            Steps = steps,
            BatchSize = batchSize,
            MicroBatchSize = microBatchSize,
            LearningRate = 1e-3,
            ResetOptimizer = reset,
            Threads = 1,
        }, CancellationToken.None));
        return (result, context);
    }

    private static Dictionary<string, float[]> Weights(Checkpoint checkpoint)
    {
        using var loaded = ModelCheckpoint.Load(checkpoint.Path);
        return loaded.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());
    }

    private static double MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
