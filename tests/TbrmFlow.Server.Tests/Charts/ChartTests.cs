using Bunit;
using TbrmFlow.Server.Charts;
using TbrmFlow.Server.Components.Shared;
using TbrmFlow.Server.Services;
using TbrmFlow.Tracking.Compare;

namespace TbrmFlow.Server.Tests.Charts;

/// <summary>The SVG charts: axes and ticks, log scale, smoothing, one chart per stage, direction of metrics, legend names.</summary>
public sealed class ChartTests : BunitContext
{
    [Fact]
    public void LinearTicks_AreRoundValuesInsideTheRange()
    {
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1], ChartAxis.LinearTicks(0, 1));
        Assert.Equal([200, 400, 600, 800, 1000], ChartAxis.LinearTicks(50, 1000));
    }

    [Fact]
    public void LogTicks_ArePowersOfTen_WithTwoAndFiveOverFewDecades()
    {
        Assert.Equal([1e-6, 1e-4, 1e-2, 1, 100], ChartAxis.LogTicks(-6, 2.0));
        Assert.Equal([0.1, 0.2, 0.5, 1, 2, 5, 10], ChartAxis.LogTicks(-1, 1));
        Assert.Equal([0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05], ChartAxis.LogTicks(Math.Log10(0.02), Math.Log10(0.05)));
        var axis = ChartAxis.For([0.1, 10, 0, -1, double.NaN], log: true)!;
        Assert.Equal((-1.0, 1.0), (Math.Round(axis.Min + 0.08, 6), Math.Round(axis.Max - 0.08, 6)));
        Assert.Equal(0.5, axis.Fraction(1), 6);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(0.05214, "0.05214")]
    [InlineData(2.2338e-13, "2.23e-13")]
    [InlineData(1234567.0, "1.23e+6")]
    public void Labels_AreShort(double value, string label)
    {
        Assert.Equal(label, ChartAxis.Label(value));
        Assert.Equal("0", ChartAxis.Label(-0.0)); // a tick rounded to zero from below
    }

    [Fact]
    public void Ema_IsBiasCorrected_AndLeavesNonFiniteValuesAlone()
    {
        Assert.Equal([1, 2, 3], Smoothing.Ema([1, 2, 3], 0));
        var smoothed = Smoothing.Ema([10, 20, double.NaN, 20], 0.5);
        // m1 = 5 / 0.5 = 10; m2 = (2.5 + 10) / 0.75 = 16.67; NaN passes; m3 = (6.25 + 10) / 0.875 = 18.57.
        Assert.Equal(10, smoothed[0], 6);
        Assert.Equal(12.5 / 0.75, smoothed[1], 6);
        Assert.True(double.IsNaN(smoothed[2]));
        Assert.Equal(16.25 / 0.875, smoothed[3], 6);
    }

    [Fact]
    public void Chart_DrawsAxesTicksAndOneLinePerSeries_WithTheDataForHover()
    {
        var chart = Render<LineChart>(p => p
            .Add(c => c.Title, "fit · train/loss ↓")
            .Add(c => c.Series, [new ChartSeries("seed=1", [(50, 0.05), (100, 0.02), (150, 0.01)]), new ChartSeries("seed=2", [(50, 0.04), (100, 0.01), (150, 0.001)])]));
        Assert.Equal(2, chart.FindAll("g.series polyline").Count);
        Assert.Equal("50,100,150", chart.Find("g.series").GetAttribute("data-xs"));
        Assert.Equal("0.05,0.02,0.01", chart.Find("g.series").GetAttribute("data-ys"));
        Assert.Contains(chart.FindAll("text.tick"), t => t.TextContent == "0.02");
        Assert.Equal(["seed=1", "seed=2"], chart.FindAll(".legend-item").Select(l => l.TextContent));

        var smoothed = Render<LineChart>(p => p.Add(c => c.Series, [new ChartSeries("a", [(1, 1), (2, 3), (3, 1), (4, 3)])]).Add(c => c.Smoothing, 0.6).Add(c => c.LogY, true));
        Assert.Single(smoothed.FindAll("polyline.raw"));
        Assert.Single(smoothed.FindAll("polyline.line"));
        Assert.NotNull(smoothed.Find("g.series").GetAttribute("data-ss"));
        Assert.Contains("log scale", smoothed.Find("text.axis-title").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_GiveEachStageItsOwnChart_AndSingleStepMetricsNoChart()
    {
        var points = new List<MetricPointDto>
        {
            new("sft", 1, "train/loss", 0.3), new("sft", 2, "train/loss", 0.1),
            new("tbrm", 1, "train/loss", 80), new("tbrm", 2, "train/loss", 60),
            new("evaluate[policy=sft]", 0, "eval/avg@1", 0.4), new("evaluate[policy=tbrm]", 0, "eval/avg@1", 0.6),
        };
        var groups = MetricGroups.OfRun(points);
        Assert.Equal([("sft", "train/loss", true), ("tbrm", "train/loss", true), ("evaluate", "eval/avg@1", false)], groups.Select(g => (g.Stage, g.Key, g.IsCurve)));
        Assert.Equal(["evaluate[policy=sft]", "evaluate[policy=tbrm]"], groups[2].Series.Select(s => s.Name));
        Assert.Equal("sft · train/loss ↓", groups[0].Title);
        Assert.Equal(["sft", "tbrm"], MetricGroups.Headline(groups).Select(g => g.Stage));
    }

    [Theory]
    [InlineData("train/loss", MetricGoal.Lower)]
    [InlineData("train/kl", MetricGoal.Lower)]
    [InlineData("perf/step_s", MetricGoal.Lower)]
    [InlineData("perf/peak_rss_mb", MetricGoal.Lower)]
    [InlineData("train/reward_mean", MetricGoal.Higher)]
    [InlineData("train/accuracy", MetricGoal.Higher)]
    [InlineData("eval/avg@1", MetricGoal.Higher)]
    [InlineData("eval/test/avg_1/evaluate.policy-sft", MetricGoal.Higher)]
    [InlineData("eval/test/pass_4", MetricGoal.Higher)]
    [InlineData("perf/tokens_per_s", MetricGoal.Higher)]
    [InlineData("train/entropy", MetricGoal.None)]
    [InlineData("data/train_size", MetricGoal.None)]
    [InlineData("train/response_length", MetricGoal.None)]
    public void MetricGoal_ComesFromTheName(string key, MetricGoal goal) => Assert.Equal(goal, MetricGoals.Of(key));

    [Fact]
    public void RunLabels_NameRunsByTheParamsThatDiffer()
    {
        var same = new Dictionary<string, string> { ["seed"] = "1", ["beta"] = "0.05" };
        Assert.Equal(["hello seed=3", "hello seed=4"], RunLabels.For([("r1", "hello", new Dictionary<string, string> { ["seed"] = "3", ["beta"] = "0.05" }), ("r2", "hello", new Dictionary<string, string> { ["seed"] = "4", ["beta"] = "0.05" })]));
        Assert.Equal(["hello (aaaaaa)", "hello (bbbbbb)"], RunLabels.For([("x-aaaaaa", "hello", same), ("x-bbbbbb", "hello", same)]));
        Assert.Equal(["hello", "quickstart"], RunLabels.For([("a", "hello", same), ("b", "quickstart", same)]));
    }
}
