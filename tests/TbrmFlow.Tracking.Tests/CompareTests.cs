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
        Assert.Equal(["run-tbrm/train", "run-grpo/train"], comparison.Series.Select(s => s.RunName));
        var png = Path.Combine(dir.Path, "chart.png");
        Assert.True(MetricChart.Render(comparison.Series, "train/reward_mean", png));
        Assert.True(new FileInfo(png).Length > 5000);
        Assert.False(MetricChart.Render(comparison.Series, "no/such", png));
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
