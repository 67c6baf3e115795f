using TbrmFlow.Plugins.Rl.Grpo;
using TbrmFlow.Plugins.Rl.Online;
using TbrmFlow.Plugins.Rl.Ppo;
using TbrmFlow.Plugins.Rl.Tests.Support;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Tests.Online;

/// <summary>verl-style multi-update steps (mini_batch_size, epochs) on the real tiny policy.</summary>
[Collection(TinyPolicyGroup.Name)]
public sealed class MultiUpdateTests(TinyPolicy tiny)
{
    [Theory]
    [InlineData("grpo")]
    [InlineData("ppo")]
    public void Ratio_IsOneAtTheFirstUpdate_AndDepartsFromOneAfterIt(string algorithm)
    {
        var updates = Run(algorithm, learningRate: 1e-3, miniBatchRows: 16, epochs: 2, out _);
        Assert.Equal(8, updates.Count); // 2 epochs x 64 rows / 16
        // The old log-probs come from the sampling policy before any update: the first update sees rho = 1 exactly.
        Assert.Equal(1.0, updates[0]["ratio_mean"], 6);
        Assert.Equal(0.0, updates[0]["clip_frac"]);
        // Every later update runs a policy that has moved: its ratios are no longer 1.
        Assert.All(updates.Skip(1), u => Assert.True(Math.Abs(u["ratio_mean"] - 1) > 1e-5, $"{algorithm}: ratio_mean {u["ratio_mean"]} after an update"));
    }

    [Theory]
    [InlineData("grpo")]
    [InlineData("ppo")]
    public void ClipFrac_IsPositive_WhenThePolicyMovesBeyondTheClipRange(string algorithm)
    {
        var updates = Run(algorithm, learningRate: 3e-2, miniBatchRows: 16, epochs: 3, out var step);
        Assert.Equal(0.0, updates[0]["clip_frac"]);
        Assert.True(updates[^1]["clip_frac"] > 0.05, $"{algorithm}: clip_frac per update {string.Join(", ", updates.Select(u => u["clip_frac"]))}");
        // The step's train/clip_frac is the mean over its updates.
        Assert.Equal(updates.Average(u => u["clip_frac"]), step[MetricNames.ClipFrac], 5);
        Assert.True(step[MetricNames.ClipFrac] > 0);
    }

    [Theory]
    [InlineData("grpo", 64, 1, 1)]
    [InlineData("grpo", 16, 1, 4)]
    [InlineData("ppo", 32, 3, 6)]
    [InlineData("tbrm", 8, 2, 16)]
    public void OptimiserSteps_AreEpochsTimesBatchOverMiniBatch(string algorithm, long miniBatchRows, int epochs, long expected)
    {
        var updates = Run(algorithm, learningRate: 1e-3, miniBatchRows, epochs, out _, optimizerSteps: out var steps);
        Assert.Equal(expected, updates.Count);
        Assert.Equal(expected, steps); // counted by AdamW itself
    }

    [Fact]
    public void MiniBatchThatDoesNotDivideTheBatch_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Run("grpo", 1e-3, miniBatchRows: 24, epochs: 1, out _));
        Assert.Contains("must divide the batch of 64 rows", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, "mini_batch_size must divide prompts_per_step (8): allowed values are 0 (the whole batch) or 1, 2, 4, 8 (got 3)")]
    [InlineData(16, "mini_batch_size must divide prompts_per_step (8): allowed values are 0 (the whole batch) or 1, 2, 4, 8 (got 16)")]
    public async Task OnlineActivity_RefusesAMiniBatchSizeThatDoesNotDivideTheBatch(int miniBatchSize, string message)
    {
        var context = new RecordingContext(tiny.NewDirectory());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.Run(accessor => new GrpoHandler(accessor).Handle(
            new GrpoRequest { Policy = tiny.Policy, Prompts = tiny.Prompts, PromptsPerStep = 8, MiniBatchSize = miniBatchSize, Steps = 1, Threads = 1 },
            CancellationToken.None)));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Defaults_FollowVerl_ForPpoAndGrpo_AndThePaper_ForTbrm()
    {
        var grpo = new GrpoRequest { Policy = tiny.Policy, Prompts = tiny.Prompts };
        var ppo = new PpoRequest { Policy = tiny.Policy, Prompts = tiny.Prompts };
        var tbrm = new Tbrm.TbrmRequest { Policy = tiny.Policy, Prompts = tiny.Prompts };
        Assert.Equal((16, 1, 64), (grpo.MiniBatchSize, grpo.Epochs, grpo.PromptsPerStep));
        Assert.Equal((16, 1), (ppo.MiniBatchSize, ppo.Epochs));
        Assert.Equal((0, 1), (tbrm.MiniBatchSize, tbrm.Epochs));
    }

    /// <summary>
    /// One PolicyUpdate.Apply on 16 prompts x 4 samples (64 rows) with a reward that splits the samples, returning
    /// the per-update metrics (read) and the step's metrics.
    /// </summary>
    private List<Dictionary<string, double>> Run(string algorithm, double learningRate, long miniBatchRows, int epochs, out Dictionary<string, double> step) =>
        Run(algorithm, learningRate, miniBatchRows, epochs, out step, out _);

    private List<Dictionary<string, double>> Run(string algorithm, double learningRate, long miniBatchRows, int epochs,
        out Dictionary<string, double> step, out long optimizerSteps)
    {
        using var policy = ModelCheckpoint.Load(tiny.Policy.Path);
        using var reference = SplitRewardBatch.FrozenReference(tiny);
        using var scope = NewDisposeScope();
        var set = SplitRewardBatch.Sample(tiny, policy);
        using var rule = SplitRewardBatch.Rule(algorithm, tiny, policy);
        using var optimizer = optim.AdamW(policy.Model.parameters(), learningRate);
        policy.Model.train();
        var updates = new List<Dictionary<string, Tensor>>();
        var (metrics, _) = PolicyUpdate.Apply(policy.Model, reference.Model, rule, optimizer, set.Batch, 1.0, microBatchSize: 8, gradClip: 1.0,
            new UpdatePlan(miniBatchRows, epochs), updates);
        step = MetricReader.Read(metrics);
        optimizerSteps = optimizer.state_dict().State.Cast<AdamW.State>().Select(s => s.step).Distinct().Single();
        return [.. updates.Select(u => MetricReader.Read(u))];
    }
}
