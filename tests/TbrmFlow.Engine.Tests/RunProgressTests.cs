using TbrmFlow.Engine.Running;
using S = TbrmFlow.Engine.Running.StageStatus;

namespace TbrmFlow.Engine.Tests;

/// <summary>The progress rules both schedulers share (RunProgress) and the lifecycle table (Lifecycle), table by table.</summary>
public sealed class RunProgressTests
{
    private static readonly S[] Finals = [S.Succeeded, S.Cached, S.Failed, S.Skipped, S.Cancelled];

    // One dependency, every final outcome, with and without a cancel.
    [Theory]
    [InlineData(S.Succeeded, false, S.Ready, null)]
    [InlineData(S.Cached, false, S.Ready, null)]
    [InlineData(S.Failed, false, S.Skipped, "dependency 'a' failed")]
    [InlineData(S.Skipped, false, S.Skipped, "dependency 'a' skipped")]
    [InlineData(S.Cancelled, false, S.Skipped, "dependency 'a' cancelled")]
    [InlineData(S.Succeeded, true, S.Cancelled, RunProgress.CancelledBeforeStart)]
    [InlineData(S.Cached, true, S.Cancelled, RunProgress.CancelledBeforeStart)]
    [InlineData(S.Failed, true, S.Skipped, "dependency 'a' failed")]
    [InlineData(S.Skipped, true, S.Skipped, "dependency 'a' skipped")]
    [InlineData(S.Cancelled, true, S.Skipped, "dependency 'a' cancelled")]
    public void Next_OneDependency(S dependency, bool cancelling, S expected, string? reason)
    {
        var decision = RunProgress.Next([("a", dependency)], cancelling);
        Assert.Equal((expected, reason), (decision.Status, decision.Reason));
    }

    public static TheoryData<S, S, bool> Pairs()
    {
        var data = new TheoryData<S, S, bool>();
        foreach (var a in Finals)
        {
            foreach (var b in Finals)
            {
                data.Add(a, b, false);
                data.Add(a, b, true);
            }
        }
        return data;
    }

    // Two dependencies, all 50 combinations: the first one without outputs (in declaration order) is named.
    [Theory]
    [MemberData(nameof(Pairs))]
    public void Next_TwoDependencies(S a, S b, bool cancelling)
    {
        var decision = RunProgress.Next([("a", a), ("b", b)], cancelling, prefix: "loop[iter=1].");
        (string, S)? blocker = a is S.Succeeded or S.Cached ? (b is S.Succeeded or S.Cached ? null : ("b", b)) : ("a", a);
        if (blocker is var (id, status))
        {
            Assert.Equal((S.Skipped, $"dependency 'loop[iter=1].{id}' {status.ToString().ToLowerInvariant()}"), (decision.Status, decision.Reason));
        }
        else
        {
            Assert.Equal(cancelling ? S.Cancelled : S.Ready, decision.Status);
        }
    }

    [Fact]
    public void Next_NoDependencies_IsReadyUnlessCancelling()
    {
        Assert.Equal(S.Ready, RunProgress.Next([], false).Status);
        Assert.Equal(S.Cancelled, RunProgress.Next([], true).Status);
    }

    // a -> b -> c, a -> d; e depends on nothing.
    private static readonly (string, IReadOnlyList<string>)[] Plan =
        [("a", []), ("b", ["a"]), ("c", ["b"]), ("d", ["a"]), ("e", [])];

    private static Dictionary<string, S> Records(params (string Id, S Status)[] records) => records.ToDictionary(r => r.Id, r => r.Status);

    [Fact]
    public void Evaluate_FreshRun_RootsAreReady()
    {
        var step = RunProgress.Evaluate(Plan, Records(), cancelling: false);
        Assert.Equal(["a", "e"], step.Ready);
        Assert.Empty(step.Ended);
        Assert.Equal(RunStatus.Running, step.Status);
    }

    [Fact]
    public void Evaluate_Success_ReleasesDependents()
    {
        var step = RunProgress.Evaluate(Plan, Records(("a", S.Succeeded), ("e", S.Running)), cancelling: false);
        Assert.Equal(["b", "d"], step.Ready);
        Assert.Equal(RunStatus.Running, step.Status);
    }

    [Fact]
    // Decided in plan order, each decision visible to the instances after it.
    public void Evaluate_Failure_SkipsTheWholeChainAtOnce_AndTheRunFails()
    {
        var step = RunProgress.Evaluate(Plan, Records(("a", S.Failed), ("e", S.Succeeded)), cancelling: false);
        Assert.Empty(step.Ready);
        Assert.Equal(
            [("b", S.Skipped, "dependency 'a' failed"), ("c", S.Skipped, "dependency 'b' skipped"), ("d", S.Skipped, "dependency 'a' failed")],
            step.Ended.Select(e => (e.InstanceId, e.Status, e.Reason)));
        Assert.Equal(RunStatus.Failed, step.Status);
    }

    // A stage whose `if` was false is recorded skipped: its dependents are skipped, and the run still succeeds.
    [Fact]
    public void Evaluate_ConditionFalse_SkipsDependents_RunSucceeds()
    {
        var step = RunProgress.Evaluate(Plan, Records(("a", S.Skipped), ("e", S.Succeeded)), cancelling: false);
        Assert.Equal(["b", "c", "d"], step.Ended.Select(e => e.InstanceId).Order());
        Assert.Equal(RunStatus.Succeeded, step.Status);
    }

    // A stage between retries is still running: nothing behind it moves, whatever its failed attempts.
    [Fact]
    public void Evaluate_Retrying_WaitsForTheStage()
    {
        var step = RunProgress.Evaluate(Plan, Records(("a", S.Running), ("e", S.Succeeded)), cancelling: false);
        Assert.Empty(step.Ready);
        Assert.Empty(step.Ended);
        Assert.Equal(RunStatus.Running, step.Status);
    }

    [Fact]
    public void Evaluate_Cancel_StopsWhatDidNotStart_WaitsForWhatRuns()
    {
        var step = RunProgress.Evaluate(Plan, Records(("a", S.Running), ("e", S.Queued)), cancelling: true);
        Assert.Empty(step.Ready);
        Assert.Equal([("e", S.Cancelled)], step.Ended.Select(e => (e.InstanceId, e.Status)));
        Assert.Equal(RunStatus.Cancelling, step.Status);

        // The running stage stops (cancelled): everything behind it is skipped and the run is cancelled.
        step = RunProgress.Evaluate(Plan, Records(("a", S.Cancelled), ("e", S.Cancelled)), cancelling: true);
        Assert.Equal(["b", "c", "d"], step.Ended.Where(e => e.Status == S.Skipped).Select(e => e.InstanceId).Order());
        Assert.Equal(RunStatus.Cancelled, step.Status);

        // It finished instead: its dependents never start (cancelled, not skipped), as in process.
        step = RunProgress.Evaluate(Plan, Records(("a", S.Succeeded), ("e", S.Succeeded)), cancelling: true);
        Assert.Equal(
            [("b", S.Cancelled), ("c", S.Skipped), ("d", S.Cancelled)],
            step.Ended.Select(e => (e.InstanceId, e.Status)));
        Assert.Equal(RunStatus.Cancelled, step.Status);
    }

    [Fact]
    public void Evaluate_Interrupted_RunIsInterrupted_UntilSomethingRunsAgain()
    {
        Assert.Equal(RunStatus.Interrupted, RunProgress.Evaluate(Plan, Records(("a", S.Interrupted), ("e", S.Succeeded)), false).Status);
        Assert.Equal(RunStatus.Running, RunProgress.Evaluate(Plan, Records(("a", S.Interrupted), ("e", S.Running)), false).Status);
        // An interrupted stage is not final: nothing behind it is decided.
        Assert.Empty(RunProgress.Evaluate(Plan, Records(("a", S.Interrupted)), false).Ended);
    }

    [Theory]
    [InlineData(new[] { S.Succeeded, S.Cached, S.Skipped }, false, RunStatus.Succeeded)]
    [InlineData(new[] { S.Skipped, S.Skipped }, false, RunStatus.Succeeded)]
    [InlineData(new[] { S.Succeeded, S.Failed }, false, RunStatus.Failed)]
    [InlineData(new[] { S.Failed, S.Cancelled }, false, RunStatus.Cancelled)]
    [InlineData(new[] { S.Succeeded }, true, RunStatus.Cancelled)]
    [InlineData(new S[0], false, RunStatus.Succeeded)]
    public void Outcome_Table(S[] statuses, bool cancelled, RunStatus expected) =>
        Assert.Equal(expected, RunProgress.Outcome(statuses, cancelled));

    [Theory]
    [InlineData(new[] { S.Succeeded, S.Running }, S.Running)]
    [InlineData(new[] { S.Running, S.Failed }, S.Failed)]
    [InlineData(new[] { S.Succeeded, S.Cached }, S.Succeeded)]
    [InlineData(new[] { S.Cached, S.Cached }, S.Cached)]
    [InlineData(new[] { S.Skipped, S.Skipped }, S.Skipped)]
    [InlineData(new[] { S.Succeeded, S.Pending }, S.Pending)]
    [InlineData(new[] { S.Succeeded, S.Interrupted }, S.Interrupted)]
    [InlineData(new[] { S.Succeeded, S.Queued }, S.Queued)]
    [InlineData(new[] { S.Succeeded, S.Cancelled }, S.Cancelled)]
    [InlineData(new S[0], S.Pending)]
    public void Combine_Table(S[] statuses, S expected) => Assert.Equal(expected, RunProgress.Combine(statuses));

    [Fact]
    public void Lifecycle_NamesRoundTrip_AndAreLowercase()
    {
        foreach (var s in Enum.GetValues<S>())
        {
            Assert.Equal(s, Lifecycle.ParseStage(Lifecycle.Name(s)));
            Assert.Equal(Lifecycle.Name(s).ToLowerInvariant(), Lifecycle.Name(s));
        }
        foreach (var r in Enum.GetValues<RunStatus>())
        {
            Assert.Equal(r, Lifecycle.ParseRun(Lifecycle.Name(r)));
        }
        Assert.Equal("interrupted", Lifecycle.Name(RunStatus.Interrupted));
        Assert.Contains("not a stage status", Assert.Throws<FormatException>(() => Lifecycle.ParseStage("done")).Message);
    }

    [Theory]
    [InlineData(S.Queued, S.Running, true)]
    [InlineData(S.Running, S.Succeeded, true)]
    [InlineData(S.Running, S.Interrupted, true)]
    [InlineData(S.Interrupted, S.Running, true)]
    [InlineData(S.Failed, S.Running, true)]
    [InlineData(S.Running, S.Queued, true)]
    [InlineData(S.Succeeded, S.Running, false)]
    [InlineData(S.Succeeded, S.Failed, false)]
    [InlineData(S.Failed, S.Succeeded, false)]
    [InlineData(S.Cached, S.Cancelled, false)]
    [InlineData(S.Skipped, S.Succeeded, false)]
    public void Lifecycle_StageMoves(S from, S to, bool legal)
    {
        Assert.Equal(legal, Lifecycle.CanMove(from, to));
        if (!legal)
        {
            Assert.Contains($"from {Lifecycle.Name(from)} to {Lifecycle.Name(to)}", Assert.Throws<InvalidOperationException>(() => Lifecycle.Move(from, to)).Message);
        }
    }

    [Theory]
    [InlineData(RunStatus.Running, RunStatus.Interrupted, true)]
    [InlineData(RunStatus.Interrupted, RunStatus.Running, true)]
    [InlineData(RunStatus.Running, RunStatus.Cancelling, true)]
    [InlineData(RunStatus.Cancelling, RunStatus.Cancelled, true)]
    [InlineData(RunStatus.Cancelling, RunStatus.Succeeded, false)]
    [InlineData(RunStatus.Succeeded, RunStatus.Failed, false)]
    [InlineData(RunStatus.Interrupted, RunStatus.Succeeded, false)]
    public void Lifecycle_RunMoves(RunStatus from, RunStatus to, bool legal) => Assert.Equal(legal, Lifecycle.CanMove(from, to));

    [Fact]
    public void Lifecycle_EveryStateHasARow()
    {
        Assert.Equal(Enum.GetValues<S>().Order(), Lifecycle.StageMoves.Keys.Order());
        Assert.Equal(Enum.GetValues<RunStatus>().Order(), Lifecycle.RunMoves.Keys.Order());
    }
}
