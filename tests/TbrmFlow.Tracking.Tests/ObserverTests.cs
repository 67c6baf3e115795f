using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Tracking.Tests;

public sealed class ObserverTests
{
    [Fact]
    public async Task ConcurrentStages_LoseNoMetricLine_AndWriteNoTornLine()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "mlruns");
        var observer = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = store });
        var run = new RunInfo { RunId = "par", WorkflowName = "w", Experiment = "parallel", Params = [] };
        observer.RunStarted(run);
        var stages = Enumerable.Range(0, 4).Select(i => $"evaluate[seed={i}]").ToList();
        await Task.WhenAll(stages.Select(stage => Task.Run(() =>
        {
            observer.StageStarted(WorkflowEvents.Stage(run, stage, "eval.math", new JsonObject { ["seed"] = stage.Length }));
            for (var step = 0; step < 500; step++)
            {
                observer.StageMetrics(stage, step, new Dictionary<string, double> { ["train/loss"] = step, ["eval/test/acc"] = step / 1000.0 });
            }
            observer.StageFinished(stage, WorkflowEvents.Result(StageStatus.Succeeded, []));
        })));
        observer.RunFinished(run, new RunResult { RunId = "par", Status = RunStatus.Succeeded, Stages = new Dictionary<string, StageResult>() });

        var reader = new FileStoreLayoutReader(store);
        var exp = reader.ExperimentIdByName("parallel");
        var parent = observer.ParentRun!.RunId;
        var parentMetrics = reader.Metrics(exp, parent);
        foreach (var stage in stages)
        {
            var child = observer.StageRun(stage)!.RunId;
            Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), reader.Metrics(exp, child)["train/loss"].Select(m => m.Step));
            Assert.Equal(500, parentMetrics["eval/test/acc/" + MlflowTrackingObserver.StageKey(stage)].Count);
        }
        Assert.Equal(4, parentMetrics.Count);
    }

    [Fact]
    public void ResumedRun_ReattachesParentAndStageRuns_InsteadOfCreatingNew()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "mlruns");
        var run = new RunInfo { RunId = "resume-1", WorkflowName = "w", Experiment = "resume", Params = new JsonObject { ["seed"] = 1 } };
        var first = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = store });
        first.RunStarted(run);
        first.StageStarted(WorkflowEvents.Stage(run, "train", "rl.tbrm", new JsonObject { ["steps"] = 10 }));
        first.StageMetrics("train", 1, new Dictionary<string, double> { ["train/loss"] = 1 });
        // The process dies here: nothing else is reported.

        var second = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = store });
        second.RunStarted(run with { Resumed = true, Params = new JsonObject { ["seed"] = 2 } });
        second.StageStarted(WorkflowEvents.Stage(run, "train", "rl.tbrm", new JsonObject { ["steps"] = 10 }) with { Attempt = 2 });
        second.StageMetrics("train", 2, new Dictionary<string, double> { ["train/loss"] = 0.5 });
        second.StageFinished("train", WorkflowEvents.Result(StageStatus.Succeeded, []));
        second.RunFinished(run, new RunResult { RunId = run.RunId, Status = RunStatus.Succeeded, Stages = new Dictionary<string, StageResult>() });

        Assert.Equal(first.ParentRun!.RunId, second.ParentRun!.RunId);
        Assert.Equal(first.StageRun("train")!.RunId, second.StageRun("train")!.RunId);
        var reader = new FileStoreLayoutReader(store);
        var exp = reader.ExperimentIdByName("resume");
        Assert.Equal(2, reader.RunIds(exp).Count());
        Assert.Equal([1L, 2L], reader.Metrics(exp, second.StageRun("train")!.RunId)["train/loss"].Select(m => m.Step));
        Assert.Equal("3", reader.RunMeta(exp, second.ParentRun.RunId)["status"]);
        Assert.Equal("1", reader.Params(exp, second.ParentRun.RunId)["seed"]);
        Assert.Equal("2", reader.Tags(exp, second.ParentRun.RunId)["tbrmflow.changed_param.seed"]);
        Assert.Equal("2", reader.Tags(exp, second.StageRun("train")!.RunId)["tbrmflow.attempt"]);
    }
}
