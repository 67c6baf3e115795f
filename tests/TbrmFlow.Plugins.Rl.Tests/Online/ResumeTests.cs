using TbrmFlow.Abstractions;
using TbrmFlow.Plugins.Rl.Grpo;
using TbrmFlow.Plugins.Rl.Online;
using TbrmFlow.Plugins.Rl.Ppo;
using TbrmFlow.Plugins.Rl.Tbrm;
using TbrmFlow.Plugins.Rl.Tests.Support;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Checkpoints;

namespace TbrmFlow.Plugins.Rl.Tests.Online;

[Collection(TinyPolicyGroup.Name)]
public sealed class ResumeTests(TinyPolicy tiny)
{
    [Theory]
    [InlineData("rl.tbrm")]
    [InlineData("rl.grpo")]
    [InlineData("rl.ppo")]
    public async Task InterruptedRun_ResumesFromItsCheckpoint_AndEndsWithTheSameWeights(string activity)
    {
        // PPO also resumes its critic and the critic's optimiser (PpoRule.Save/Load); GRPO its group sampling.
        var straight = new RecordingContext(tiny.NewDirectory());
        var expected = await straight.Run(a => Handle(activity, a));

        var root = tiny.NewDirectory();
        var interrupted = new FaultInjectingContext(root, failAtStep: 3);
        await Assert.ThrowsAsync<OperationCanceledException>(() => interrupted.Run(a => Handle(activity, a)));
        var resumed = new RecordingContext(root) { Attempt = 2 };
        var actual = await resumed.Run(a => Handle(activity, a));

        Assert.Contains(resumed.Logs, l => l.Contains("resumed from step 2", StringComparison.Ordinal));
        Assert.Equal([3L, 4L], resumed.Metrics.Select(m => m.Step).Distinct());
        Assert.Equal(4, actual.Steps);
        // Same sampling seeds, data position and optimiser state: the same trajectory, bit for bit on CPU.
        Assert.Equal(straight.Metrics.Single(m => m.Step == 4).Metrics["train/loss"], resumed.Metrics.Single(m => m.Step == 4).Metrics["train/loss"], 6);
        using var a = ModelCheckpoint.Load(expected.Checkpoint.Path);
        using var b = ModelCheckpoint.Load(actual.Checkpoint.Path);
        var other = b.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in a.Model.named_parameters())
        {
            Assert.True(parameter.allclose(other[name], rtol: 0, atol: 1e-6), $"{activity}: {name} differs after resume");
        }
    }

    private ValueTask<OnlineResult> Handle(string activity, IActivityContextAccessor accessor)
    {
        var policy = tiny.Policy;
        var prompts = tiny.Prompts;
        return activity switch
        {
            "rl.tbrm" => new TbrmHandler(accessor).Handle(Shape(new TbrmRequest { Policy = policy, Prompts = prompts }), CancellationToken.None),
            "rl.grpo" => new GrpoHandler(accessor).Handle(Shape(new GrpoRequest { Policy = policy, Prompts = prompts }) with { PromptsPerStep = 4 }, CancellationToken.None),
            _ => new PpoHandler(accessor).Handle(Shape(new PpoRequest { Policy = policy, Prompts = prompts }), CancellationToken.None),
        };
    }

    private static T Shape<T>(T request) where T : OnlineRequest => request with
    {
        Steps = 4,
        PromptsPerStep = 8,
        MiniBatchSize = 2, // several optimiser updates per step, so a resume must continue them exactly too
        MaxNewTokens = 4,
        CheckpointEvery = 2,
        Threads = 1,
        LearningRate = 1e-3,
    };

    [Fact]
    public async Task SavedStateAtOrBeyondTheRequestedSteps_IsIgnored_SoTheStageNeverFinishesWithZeroSteps()
    {
        var request = new TbrmRequest
        {
            Policy = tiny.Policy,
            Prompts = tiny.Prompts,
            Steps = 4,
            PromptsPerStep = 8,
            MaxNewTokens = 4,
            CheckpointEvery = 2,
            Threads = 1,
        };
        var root = tiny.NewDirectory();
        var interrupted = new FaultInjectingContext(root, failAtStep: 3);
        await Assert.ThrowsAsync<OperationCanceledException>(() => interrupted.Run(a => new TbrmHandler(a).Handle(request, CancellationToken.None)));
        Assert.Equal(2, ResumeState.Find(interrupted.StateDirectory)!.Step);

        // The steps input was lowered to the saved step: resuming would take zero steps and return the saved weights.
        var resumed = new RecordingContext(root) { Attempt = 2 };
        var result = await resumed.Run(a => new TbrmHandler(a).Handle(request with { Steps = 2 }, CancellationToken.None));

        Assert.Contains(resumed.Logs, l => l.Contains("saved state is at step 2 but steps is 2", StringComparison.Ordinal));
        Assert.Equal([1L, 2L], resumed.Metrics.Where(m => m.Metrics.ContainsKey("train/loss")).Select(m => m.Step));
        Assert.Equal(2, result.Steps);
    }
}
