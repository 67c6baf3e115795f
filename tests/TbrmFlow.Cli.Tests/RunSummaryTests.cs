using System.Text.Json.Nodes;
using TbrmFlow.Cli.Output;

namespace TbrmFlow.Cli.Tests;

public sealed class RunSummaryTests
{
    [Fact]
    public void Output_ShowsAnArtifactAsItsKindAndItsPathBelowTheWorkingDirectory()
    {
        var artifact = new JsonObject { ["kind"] = "PromptSet", ["path"] = "/w/.tbrmflow/artifacts/promptset-ab12.jsonl", ["hash"] = "ab12" };
        Assert.Equal("PromptSet .tbrmflow/artifacts/promptset-ab12.jsonl", RunSummary.Output(artifact, "/w"));
        Assert.Equal("PromptSet /w/.tbrmflow/artifacts/promptset-ab12.jsonl", RunSummary.Output(artifact, "/elsewhere"));
    }

    [Fact]
    public void Output_ShowsOtherValuesAsJson_CutAt80Characters()
    {
        Assert.Equal("600", RunSummary.Output(JsonValue.Create(600), "/w"));
        Assert.Equal("null", RunSummary.Output(null, "/w"));
        var cut = RunSummary.Output(JsonValue.Create(new string('x', 100)), "/w");
        Assert.Equal(80, cut.Length);
        Assert.EndsWith("...", cut, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricLines_FoldTheConfidenceBoundsIntoTheirMetric_AndKeepLoneBounds()
    {
        var metrics = new Dictionary<string, double>
        {
            ["eval/avg@1"] = 0.87,
            ["eval/avg@1_ci_low"] = 0.836,
            ["eval/avg@1_ci_high"] = 0.898,
            ["eval/pass@1_ci_low"] = 0.5,
            ["train/loss"] = 83.2314,
        };
        Assert.Equal(
            ["eval/avg@1 = 0.87 [0.836, 0.898]", "eval/pass@1_ci_low = 0.5", "train/loss = 83.231"],
            RunSummary.MetricLines(metrics).ToArray());
    }
}
