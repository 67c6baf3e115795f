using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Engine.Tests;

/// <summary>The workflow limits where only the run knows the numbers: a repeat count or matrix from parameters.</summary>
public sealed class LimitTests
{
    private const string CountedLoop = """
        name: n
        params:
          n: 2
        stages:
          r:
            repeat: "${{ params.n }}"
            stages:
              a: { uses: test.echo, with: { value: "${{ loop.index }}" } }
        """;

    [Fact]
    public async Task RepeatCountFromAParameter_RunsThatMany()
    {
        using var home = new TestHome();
        var result = await home.RunAsync(CountedLoop, overrides: new() { ["n"] = 3 });
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(3, result.Stages["r"].Metrics["repeat/iterations"]);
    }

    [Theory]
    [InlineData(1_000_000_000_000L)]
    [InlineData(WorkflowLimits.MaxRepeatCount + 1L)]
    public async Task RepeatCountBeyondTheLimit_FailsTheStage_InsteadOfRunningZeroIterations(long n)
    {
        using var home = new TestHome();
        var result = await home.RunAsync(CountedLoop, overrides: new() { ["n"] = n });
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(StageStatus.Failed, result.Stages["r"].Status);
        Assert.Contains($"(limit MaxRepeatCount = {WorkflowLimits.MaxRepeatCount})", result.Stages["r"].Error, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Stages.Keys, k => k.StartsWith("r[iter=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MatrixFromAParameter_BeyondTheLimit_IsRefusedBeforeTheRunStarts()
    {
        using var home = new TestHome();
        var e = await Assert.ThrowsAsync<StageInputException>(() => home.RunAsync("""
            name: m
            params:
              xs: [1, 2]
            stages:
              a: { uses: test.echo, matrix: { x: "${{ params.xs }}" }, with: { value: "${{ matrix.x }}" } }
            """, overrides: new() { ["xs"] = new JsonArray([.. Enumerable.Range(0, 300).Select(i => (JsonNode?)i)]) }));
        Assert.Contains($"(limit MaxMatrixCells = {WorkflowLimits.MaxMatrixCells})", e.Message, StringComparison.Ordinal);
    }
}
