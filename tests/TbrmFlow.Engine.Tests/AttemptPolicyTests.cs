using TbrmFlow.Engine.Artifacts;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Engine.Tests;

/// <summary>The attempt policy is the one seam through which a scheduler's attempt rules reach the engine: in process
/// a resume gets a fresh retry budget; a policy that continues from the store (the cluster's) does not.</summary>
public sealed class AttemptPolicyTests
{
    private const string Workflow = """
        name: retries
        stages:
          flaky: { uses: test.fail, with: { times: 5 }, retry: { attempts: 2, backoff: 1ms } }
        """;

    /// <summary>Continues the budget from the stored attempts, minus <paramref name="forgiven"/>; stamps a name.</summary>
    private sealed class ContinuingAttempts(int forgiven) : IAttemptPolicy
    {
        public int NextInBudget(StageRecord record) => record.Attempts - forgiven + 1;

        public void Stamp(AttemptRecord attempt) => attempt.Worker = "policy-stamp";
    }

    [Fact]
    public async Task InProcess_EachAttemptIsUnstamped_AndTheBudgetIsSpentInFull()
    {
        using var home = new TestHome();
        var result = await home.RunAsync(Workflow);

        Assert.Equal(RunStatus.Failed, result.Status);
        using var store = home.OpenStore();
        var attempts = store.GetAttempts(result.RunId);
        Assert.Equal([1, 2], attempts.Select(a => a.Number));
        Assert.All(attempts, a => Assert.Null(a.Worker));
    }

    [Theory]
    [InlineData(0, 0)] // both attempts of the budget used: the stage fails without running
    [InlineData(1, 1)] // one attempt forgiven (lost with a worker): one more runs
    [InlineData(2, 2)] // both forgiven: a full budget again
    public async Task AContinuingPolicy_SpendsWhatIsLeftOfTheBudget_AndStampsEachAttempt(int forgiven, int expectedNewAttempts)
    {
        using var home = new TestHome();
        var first = await home.RunAsync(Workflow);
        using var store = home.OpenStore();
        var run = store.GetRun(first.RunId)!;
        var settings = new StageInstanceSettings { Artifacts = new LocalArtifactStore(home.File("artifacts")), Attempts = new ContinuingAttempts(forgiven) };

        var result = await home.InstanceRunner.RunAsync(store, run, "flaky", settings, new RecordingObserver(), CancellationToken.None);

        Assert.Equal(StageStatus.Failed, result.Status);
        var added = store.GetAttempts(first.RunId).Skip(2).ToList();
        Assert.Equal(Enumerable.Range(3, expectedNewAttempts), added.Select(a => a.Number));
        Assert.All(added, a => Assert.Equal("policy-stamp", a.Worker));
        if (expectedNewAttempts == 0)
        {
            Assert.Equal("all 2 attempt(s) used up", result.Error);
        }
    }
}
