using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Tests;

public sealed class RunnerTests
{
    [Fact]
    public async Task Matrix_IndexesStagesByMatrixValue_LikeTheQuickstart()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: m
            stages:
              sft: { uses: test.echo, with: { value: 1 } }
              tbrm: { uses: test.echo, with: { value: 2 } }
              evaluate:
                uses: test.echo
                matrix: { policy: [sft, tbrm] }
                with: { value: "${{ stages[matrix.policy].outputs.value * 10 }}", label: "eval-${{ matrix.policy }}" }
              report:
                uses: test.echo
                with: { label: "${{ join(stages.evaluate.outputs.label, '+') }}", value: "${{ max(stages.evaluate.outputs.value) }}" }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(10, result.Stages["evaluate[policy=sft]"].Outputs["value"]!.GetValue<double>());
        Assert.Equal(20, result.Stages["evaluate[policy=tbrm]"].Outputs["value"]!.GetValue<double>());
        Assert.Equal("eval-sft+eval-tbrm", result.Stages["report"].Outputs["label"]!.GetValue<string>());
        Assert.Equal(20, result.Stages["report"].Outputs["value"]!.GetValue<double>());
        Assert.True(IndexOf(result, "report") > IndexOf(result, "evaluate[policy=tbrm]"));
    }

    [Fact]
    public async Task FailedStage_SkipsDependents_WhileOtherBranchesFinish()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: f
            stages:
              bad: { uses: test.fail, with: { times: 5 } }
              after: { uses: test.echo, with: { value: "${{ stages.bad.outputs.attempt }}" } }
              other: { uses: test.sleep, with: { steps: 3 } }
            """);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(StageStatus.Failed, result.Stages["bad"].Status);
        Assert.Contains("injected failure on attempt 1", result.Stages["bad"].Error);
        Assert.Equal(StageStatus.Skipped, result.Stages["after"].Status);
        Assert.Contains("'bad' failed", result.Stages["after"].Error);
        Assert.Equal(StageStatus.Succeeded, result.Stages["other"].Status);
    }

    [Fact]
    public async Task Retry_RunsAgainWithBackoff_UntilAnAttemptSucceeds()
    {
        using var home = new TestHome();
        var observer = new RecordingObserver();
        var result = await home.RunAsync("""
            name: r
            stages:
              flaky: { uses: test.fail, with: { times: 2 }, retry: { attempts: 3, backoff: 10ms } }
            """, observer);
        Assert.Equal(StageStatus.Succeeded, result.Stages["flaky"].Status);
        Assert.Equal(3, result.Stages["flaky"].Attempts);
        Assert.Equal(3, result.Stages["flaky"].Outputs["attempt"]!.GetValue<int>());
        Assert.Equal(2, observer.Events.Count(e => e.StartsWith("log flaky attempt", StringComparison.Ordinal)));
        using var store = home.OpenStore();
        var attempts = store.GetAttempts(result.RunId);
        Assert.Equal([StageStatus.Failed, StageStatus.Failed, StageStatus.Succeeded], attempts.Select(a => a.Status));
    }

    [Fact]
    public async Task Retry_GivesUpAfterTheLastAttempt()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: r
            stages:
              flaky: { uses: test.fail, with: { times: 3 }, retry: { attempts: 2, backoff: 1ms } }
            """);
        Assert.Equal(StageStatus.Failed, result.Stages["flaky"].Status);
        Assert.Equal(2, result.Stages["flaky"].Attempts);
        Assert.Contains("attempt 2", result.Stages["flaky"].Error);
    }

    [Fact]
    public async Task Timeout_FailsTheAttempt()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: t
            stages:
              slow: { uses: test.sleep, with: { steps: 1000, step_ms: 20 }, timeout: 100ms }
            """);
        Assert.Equal(StageStatus.Failed, result.Stages["slow"].Status);
        Assert.Contains("timed out after 0.1s", result.Stages["slow"].Error);
    }

    [Fact]
    public async Task FalseCondition_SkipsTheStageAndItsDependents()
    {
        using var home = new TestHome();
        var result = await home.RunAsync("""
            name: c
            params: { enabled: false }
            stages:
              maybe: { uses: test.echo, if: "${{ params.enabled }}", with: { value: 1 } }
              after: { uses: test.echo, with: { value: "${{ stages.maybe.outputs.value }}" } }
              always: { uses: test.echo, if: "${{ !params.enabled && 1 < 2 }}", with: { value: 3 } }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(StageStatus.Skipped, result.Stages["maybe"].Status);
        Assert.Equal(StageStatus.Skipped, result.Stages["after"].Status);
        Assert.Equal(StageStatus.Succeeded, result.Stages["always"].Status);
    }

    [Fact]
    public async Task Params_OverridesAreTypedAndChecked()
    {
        using var home = new TestHome();
        const string Yaml = """
            name: p
            params:
              a: { type: float, default: 1.5 }
              mode: { type: string, default: x, allowed: [x, y] }
            stages:
              s: { uses: test.add, with: { a: "${{ params.a }}", b: 2 } }
              t: { uses: test.echo, with: { label: "${{ params.mode }}" } }
            """;
        var result = await home.RunAsync(Yaml, overrides: new() { ["a"] = JsonValue.Create(4) });
        Assert.Equal(6, result.Stages["s"].Outputs["sum"]!.GetValue<double>());
        var bad = await Assert.ThrowsAsync<StageInputException>(() => home.RunAsync(Yaml, overrides: new() { ["mode"] = JsonValue.Create("z") }));
        Assert.Contains("must be one of \"x\", \"y\"", bad.Message);
        var unknown = await Assert.ThrowsAsync<StageInputException>(() => home.RunAsync(Yaml, overrides: new() { ["mdoe"] = JsonValue.Create("x") }));
        Assert.Contains("did you mean 'mode'", unknown.Message);
    }

    private static int IndexOf(RunResult result, string id) => result.Stages.Keys.ToList().IndexOf(id);
}
