using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Tests;

public sealed class RepeatTests
{
    [Fact]
    public async Task Repeat_CarriesStateThroughIterations_AndRecordsEachIteration()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: loop
            stages:
              init: { uses: test.echo, with: { value: 1 } }
              train:
                repeat: 3
                carry: { x: "${{ stages.init.outputs.value }}" }
                stages:
                  step: { uses: test.add, with: { a: "${{ loop.x }}", b: "${{ loop.index }}" } }
                  check: { uses: test.echo, with: { value: "${{ stages.step.outputs.sum }}" } }
                next: { x: "${{ stages.check.outputs.value }}" }
              after: { uses: test.echo, with: { value: "${{ stages.train.outputs.x }}" } }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        // x: 1 -> 1+0 = 1 -> 1+1 = 2 -> 2+2 = 4
        Assert.Equal(4, result.Stages["train"].Outputs["x"]!.GetValue<double>());
        Assert.Equal(4, result.Stages["after"].Outputs["value"]!.GetValue<double>());
        Assert.Equal(2, result.Stages["train[iter=2].step"].Outputs["sum"]!.GetValue<double>() - 2);
        using var store = home.OpenStore();
        var steps = store.GetStages(result.RunId).Where(s => s.StageId == "step").OrderBy(s => s.Iteration).ToList();
        Assert.Equal([0, 1, 2], steps.Select(s => s.Iteration!.Value));
        Assert.Equal(["train[iter=0].step", "train[iter=1].step", "train[iter=2].step"], steps.Select(s => s.InstanceId));
    }

    [Fact]
    public async Task MatrixOnARepeat_RunsOneLoopPerCell_AndSubStagesSeeTheCell()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: sweep
            stages:
              train:
                matrix: { seed: [1, 10], include: [{ seed: 100, extra: 5 }] }
                repeat: 2
                carry: { x: "${{ matrix.seed }}" }
                stages:
                  step: { uses: test.add, with: { a: "${{ loop.x }}", b: "${{ matrix.seed }}" } }
                next: { x: "${{ stages.step.outputs.sum }}" }
              pick: { uses: test.echo, with: { value: "${{ stages['train[seed=10]'].outputs.x }}" } }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        // x = seed -> 2*seed -> 3*seed, independently per cell.
        Assert.Equal(3, result.Stages["train[seed=1]"].Outputs["x"]!.GetValue<double>());
        Assert.Equal(30, result.Stages["train[seed=10]"].Outputs["x"]!.GetValue<double>());
        Assert.Equal(300, result.Stages["train[seed=100,extra=5]"].Outputs["x"]!.GetValue<double>());
        Assert.Equal(20, result.Stages["train[seed=10][iter=1].step"].Outputs["sum"]!.GetValue<double>() - 10);
        Assert.Equal(30, result.Stages["pick"].Outputs["value"]!.GetValue<double>());
        using var store = home.OpenStore();
        Assert.Equal(6, store.GetStages(result.RunId).Count(s => s.StageId == "step"));
    }

    [Fact]
    public async Task NestedRepeat_InnerLoopRunsPerOuterIteration_AndReadsOuterLoopAndOuterStages()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: nested
            stages:
              base: { uses: test.echo, with: { value: 100 } }
              outer:
                repeat: 2
                carry: { total: 0 }
                stages:
                  inner:
                    repeat: 3
                    carry: { acc: "${{ loop.total }}" }
                    stages:
                      add: { uses: test.add, with: { a: "${{ loop.acc }}", b: "${{ stages.base.outputs.value }}" } }
                    next: { acc: "${{ stages.add.outputs.sum }}" }
                  bump: { uses: test.add, with: { a: "${{ stages.inner.outputs.acc }}", b: "${{ loop.index }}" } }
                next: { total: "${{ stages.bump.outputs.sum }}" }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        // outer 0: inner adds 100 three times from 0 -> 300, bump +0 -> 300; outer 1: 300 -> 600, bump +1 -> 601.
        Assert.Equal(300, result.Stages["outer[iter=0].inner"].Outputs["acc"]!.GetValue<double>());
        Assert.Equal(601, result.Stages["outer"].Outputs["total"]!.GetValue<double>());
        Assert.Equal(500, result.Stages["outer[iter=1].inner[iter=1].add"].Outputs["sum"]!.GetValue<double>());
        using var store = home.OpenStore();
        var adds = store.GetStages(result.RunId).Where(s => s.StageId == "add").ToList();
        Assert.Equal(6, adds.Count);
        Assert.Equal([0, 0, 1, 1, 2, 2], adds.Select(a => a.Iteration!.Value).Order());
    }

    [Fact]
    public async Task RepeatUntil_StopsWhenTheConditionHolds()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: until
            stages:
              grow:
                until: "${{ loop.x >= 10 }}"
                max: 20
                carry: { x: 1 }
                stages:
                  double: { uses: test.add, with: { a: "${{ loop.x }}", b: "${{ loop.x }}" } }
                next: { x: "${{ stages.double.outputs.sum }}" }
            """);
        Assert.Equal(16, result.Stages["grow"].Outputs["x"]!.GetValue<double>());
        Assert.Equal(4, result.Stages["grow"].Metrics["repeat/iterations"]);
        Assert.False(result.Stages.ContainsKey("grow[iter=4].double"));
    }

    [Fact]
    public async Task RepeatUntil_StopsAtMax()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: max
            stages:
              grow:
                until: "${{ loop.x < 0 }}"
                max: 3
                carry: { x: 1 }
                stages:
                  inc: { uses: test.add, with: { a: "${{ loop.x }}", b: 1 } }
                next: { x: "${{ stages.inc.outputs.sum }}" }
            """);
        Assert.Equal(4, result.Stages["grow"].Outputs["x"]!.GetValue<double>());
        Assert.Equal(3, result.Stages["grow"].Metrics["repeat/iterations"]);
    }

    [Fact]
    public async Task FailingSubStage_FailsTheRepeat_AndSkipsItsDependents()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: loopfail
            stages:
              train:
                repeat: 2
                carry: { x: 0 }
                stages:
                  bad: { uses: test.fail, with: { times: 9 } }
              after: { uses: test.echo, with: { value: "${{ stages.train.outputs.x }}" } }
            """);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(StageStatus.Failed, result.Stages["train"].Status);
        Assert.Contains("iteration 0", result.Stages["train"].Error);
        Assert.Equal(StageStatus.Skipped, result.Stages["after"].Status);
    }
}
