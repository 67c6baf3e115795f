using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Tracking.Tests;

public sealed class ObserverArtifactTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Checkpoints_AreLogged_OnlyWhenAskedFor(bool asked, bool expected)
    {
        using var dir = new TempDir();
        dir.File("ckpt/config.json", "{}");
        var observer = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = Path.Combine(dir.Path, "mlruns") });
        var run = new RunInfo { RunId = "c", WorkflowName = "w", Experiment = "ckpt", Params = new JsonObject { ["log_checkpoints"] = asked } };
        observer.RunStarted(run);
        observer.StageStarted(WorkflowEvents.Stage(run, "sft", "rl.sft", []));
        observer.StageFinished("sft", WorkflowEvents.Result(StageStatus.Succeeded, new JsonObject
        {
            ["checkpoint"] = new JsonObject { ["kind"] = "Checkpoint", ["path"] = Path.Combine(dir.Path, "ckpt"), ["hash"] = "h" },
        }));
        Assert.Equal(expected, File.Exists(Path.Combine(observer.StageRun("sft")!.ArtifactsDirectory, "checkpoints", "checkpoint", "config.json")));
    }

    [Fact]
    public void AStageEventBeforeRunStarted_IsRecordedAsAnError_NotThrownIntoTraining()
    {
        using var dir = new TempDir();
        var observer = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = Path.Combine(dir.Path, "mlruns") });
        observer.StageMetrics("orphan", 1, new Dictionary<string, double> { ["x"] = 1 });
        Assert.Contains("before RunStarted", Assert.Single(observer.Errors));
        Assert.Contains("1 tracking errors", observer.Describe());
    }
}
