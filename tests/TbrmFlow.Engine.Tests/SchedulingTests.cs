using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Tests.Activities;

namespace TbrmFlow.Engine.Tests;

public sealed class SchedulingTests
{
    private static string FourSleepers(string group, string resources = "") => $$"""
        name: par
        stages:
          s:
            uses: test.sleep
            matrix: { i: [1, 2, 3, 4] }
            with: { steps: 5, step_ms: 20, group: "{{group}}" }
            {{resources}}
        """;

    [Fact]
    public async Task Parallel_LimitsHowManyStagesRunAtOnce()
    {
        var g2 = Guid.NewGuid().ToString();
        using (var home = new TestHome(parallel: 2))
        {
            Assert.Equal(RunStatus.Succeeded, (await home.RunAsync(FourSleepers(g2))).Status);
        }
        var g1 = Guid.NewGuid().ToString();
        using (var home = new TestHome(parallel: 1))
        {
            Assert.Equal(RunStatus.Succeeded, (await home.RunAsync(FourSleepers(g1))).Status);
        }
        Assert.Equal(2, ConcurrencyProbe.Max(g2));
        Assert.Equal(1, ConcurrencyProbe.Max(g1));
    }

    [Fact]
    public async Task GpuStages_RunOneAtATime_ByDefault()
    {
        var g = Guid.NewGuid().ToString();
        using var home = new TestHome();
        var result = await home.RunAsync(FourSleepers(g, "resources: { gpu: 1 }"));
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(1, ConcurrencyProbe.Max(g));
    }

    [Fact]
    public async Task Cancellation_StopsTheRunningStage_AndMarksTheRunCancelled()
    {
        using var home = new TestHome();
        using var cts = new CancellationTokenSource();
        var observer = new RecordingObserver { OnStarted = s => { if (s.StageId == "slow") { cts.CancelAfter(100); } } };
        var result = await home.RunAsync("""
            name: cancel
            stages:
              slow: { uses: test.sleep, with: { steps: 1000, step_ms: 20 } }
              after: { uses: test.echo, with: { value: "${{ stages.slow.outputs.steps }}" } }
            """, observer, ct: cts.Token);
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(StageStatus.Cancelled, result.Stages["slow"].Status);
        Assert.NotEqual(StageStatus.Succeeded, result.Stages["after"].Status);
        using var store = home.OpenStore();
        Assert.Equal(RunStatus.Cancelled, store.GetRun(result.RunId)!.Status);
        Assert.Equal(StageStatus.Cancelled, store.GetStages(result.RunId).Single(s => s.InstanceId == "slow").Status);
    }
}
