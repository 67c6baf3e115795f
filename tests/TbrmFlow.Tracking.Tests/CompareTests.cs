using TbrmFlow.Tracking.Compare;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Tests;

public sealed class CompareTests
{
    [Fact]
    public void Compare_ShowsDifferingParams_FinalMetrics_AndChartsStageRuns()
    {
        using var dir = new TempDir();
        var storeDir = Path.Combine(dir.Path, "mlruns");
        var store = new MlflowFileStore(storeDir);
        var exp = store.GetOrCreateExperiment("cmp");
        var parents = new List<string>();
        foreach (var (algo, lr) in new[] { ("tbrm", "0.001"), ("grpo", "0.001") })
        {
            var parent = store.CreateRun(exp, "run-" + algo, "u", 1, new Dictionary<string, string>());
            parent.LogParam("algo", algo);
            parent.LogParam("lr", lr);
            parent.LogMetrics(0, 5, [new("eval/test/avg_1/evaluate", algo == "tbrm" ? 0.59 : 0.62)]);
            var child = store.CreateRun(exp, "train", "u", 2, new Dictionary<string, string> { [MlflowTags.ParentRunId] = parent.RunId });
            for (var step = 1; step <= 4; step++)
            {
                // Logged out of step order once: the final value is the one with the highest step.
                child.LogMetrics(step == 3 ? 4 : step == 4 ? 3 : step, 10 + step, [new("train/reward_mean", step * (algo == "tbrm" ? 0.2 : 0.1))]);
            }
            parents.Add(parent.RunId);
        }

        var comparison = RunComparison.Build(RunComparison.LoadLocal(store, [parents[0][..10], parents[1]]), "train/reward_mean");

        Assert.Equal(["algo"], comparison.DifferingParams.Keys);
        Assert.Equal("tbrm,grpo", string.Join(",", comparison.DifferingParams["algo"]));
        Assert.Equal([0.59, 0.62], comparison.FinalMetrics["eval/test/avg_1/evaluate"]);
        Assert.Equal([0.6000000000000001, 0.30000000000000004], comparison.FinalMetrics["train: train/reward_mean"]);
        // Runs are named by what differs; one panel for the train stage, a line per run.
        Assert.Equal(["run-tbrm algo=tbrm", "run-grpo algo=grpo"], comparison.Labels);
        var panel = Assert.Single(comparison.Panels);
        Assert.Equal("train · train/reward_mean ↑", panel.Title);
        Assert.Equal(["run-tbrm algo=tbrm", "run-grpo algo=grpo"], panel.Lines.Select(l => l.Label));
        var png = Path.Combine(dir.Path, "chart.png");
        Assert.True(MetricChart.Render(comparison.Panels, png));
        Assert.True(new FileInfo(png).Length > 5000);
        Assert.False(MetricChart.Render(RunComparison.Build(RunComparison.LoadLocal(store, parents), "no/such").Panels, png));
    }

    [Fact]
    public void Chart_HasOnePanelPerStage_SoScalesNeverShareAnAxis()
    {
        using var dir = new TempDir();
        var store = new MlflowFileStore(Path.Combine(dir.Path, "mlruns"));
        var exp = store.GetOrCreateExperiment("scales");
        var ids = new List<string>();
        foreach (var seed in new[] { "1", "2" })
        {
            var parent = store.CreateRun(exp, "quick-abc12" + seed, "u", 1, new Dictionary<string, string> { [MlflowTags.RunId] = "20261206-000000-abc12" + seed });
            parent.LogParam("seed", seed);
            foreach (var (stage, scale, start) in new[] { ("sft", 0.1, 2L), ("tbrm", 60.0, 3L) })
            {
                var child = store.CreateRun(exp, stage, "u", start, new Dictionary<string, string> { [MlflowTags.ParentRunId] = parent.RunId });
                for (var step = 1; step <= 3; step++)
                {
                    child.LogMetrics(step, 10 + step, [new("train/loss", scale / step)]);
                }
            }
            ids.Add(parent.RunId);
        }
        var comparison = RunComparison.Build(RunComparison.LoadLocal(store, ids), "train/loss");
        Assert.Equal(["quick seed=1", "quick seed=2"], comparison.Labels);
        Assert.Equal(["sft · train/loss ↓", "tbrm · train/loss ↓"], comparison.Panels.Select(p => p.Title));
        Assert.All(comparison.Panels, p => Assert.Equal(2, p.Lines.Count));
        var png = Path.Combine(dir.Path, "loss.png");
        Assert.True(MetricChart.Render(comparison.Panels, png));
        using var image = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((900, 2 * MetricChart.PanelHeight), (image.Width, image.Height));
    }

    [Fact]
    public void LoadLocal_UnknownOrAmbiguousId_SaysSo()
    {
        using var dir = new TempDir();
        var store = new MlflowFileStore(dir.Path);
        var e = Assert.Throws<ArgumentException>(() => RunComparison.LoadLocal(store, ["abc"]));
        Assert.Contains("no run 'abc'", e.Message);
    }
}
