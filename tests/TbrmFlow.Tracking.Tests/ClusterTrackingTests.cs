using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Sync;
using TbrmFlow.Tracking.Tests.TestDoubles;

namespace TbrmFlow.Tracking.Tests;

/// <summary>Tracking a run whose parent and stages are written by different processes (cluster mode).</summary>
public sealed class ClusterTrackingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Store => Path.Combine(_dir.Path, "mlruns");

    [Fact]
    public void Target_RecordsTheResolvedStoreAndServer_AndOptionsReadsThemBack()
    {
        var remote = ClusterTracking.Options(ClusterTracking.Target(new TrackingOptions { TrackingUri = "http://mlflow:5000", LocalStore = "buffer" }))!;
        Assert.Equal("http://mlflow:5000", remote.ResolveRemote());
        Assert.Equal(Path.GetFullPath("buffer"), remote.ResolveLocalStore());

        var local = ClusterTracking.Options(ClusterTracking.Target(new TrackingOptions { TrackingUri = "file://" + Store }))!;
        Assert.Null(local.ResolveRemote());
        Assert.Equal(Store, local.ResolveLocalStore());

        // A worker's mount of the same store.
        var target = ClusterTracking.Target(new TrackingOptions { TrackingUri = "http://127.0.0.1:5000", LocalStore = "/mnt/a/mlruns" });
        var seen = ClusterTracking.Options(target, "/shared/mlruns")!;
        Assert.Equal(("http://127.0.0.1:5000", "/shared/mlruns"), (seen.ResolveRemote(), seen.ResolveLocalStore()));

        Assert.Null(ClusterTracking.Options(null));
        Assert.Null(ClusterTracking.Options("not json"));
        Assert.Null(ClusterTracking.Options("""{"local_store":"relative/mlruns"}"""));
        Assert.Null(ClusterTracking.Options("""{"tracking_uri":"http://x"}"""));
    }

    [Fact]
    public void StartedStages_ListsTheInstancesThatStarted_WithTheirInputsAndLastAttempt()
    {
        StageRecord Record(string id, string status, string? inputs, int attempts, string activity = "cluster.probe") => new()
        {
            RunId = "r",
            InstanceId = id,
            StageId = id.Split('[')[0],
            Activity = activity,
            ActivityVersion = 2,
            Status = Lifecycle.ParseStage(status),
            InputsJson = inputs,
            Attempts = attempts,
        };
        var started = ClusterTracking.StartedStages(
        [
            Record("retried", "succeeded", """{"steps":3}""", 2),
            Record("cached", "cached", """{"steps":3}""", 0),
            Record("skipped", "skipped", null, 0),
            Record("bad_inputs", "failed", null, 1),
            Record("loop", "succeeded", null, 1, "repeat"),
            Record("loop[iter=0].step", "succeeded", """{"x":1}""", 1),
        ]).ToList();

        Assert.Equal(["retried", "loop[iter=0].step"], started.Select(s => s.StageId));
        Assert.Equal((2, 2, 3), (started[0].Attempt, started[0].ActivityVersion, started[0].Inputs["steps"]!.GetValue<int>()));
    }

    [Fact]
    public void Attach_WithoutAParent_CreatesNothing_AndSaysWhy()
    {
        var observer = new MlflowTrackingObserver(new MlflowFileStore(Store), new TrackingOptions { TrackingUri = Store });
        var run = WorkflowEvents.Run(null!);

        Assert.False(observer.Attach(run, () => []));
        observer.StageStarted(WorkflowEvents.Stage(run, "data", "data.arithmetic", []));

        Assert.Contains(observer.Errors, e => e.Contains("no MLflow run tagged tbrmflow.run_id=" + run.RunId, StringComparison.Ordinal));
        Assert.Empty(new MlflowFileStore(Store).RunDirectories());
    }

    [Fact]
    public void StageJobs_RecordUnderTheSubmittersParent_ARetryContinuesItsRun_AndTheCloserFinishesTheParent()
    {
        var run = WorkflowEvents.Run(null!);
        var store = new MlflowFileStore(Store);
        var options = new TrackingOptions { TrackingUri = Store };
        MlflowTrackingObserver Worker() => new(new MlflowFileStore(Store), options);
        var started = new List<StageInfo>();

        var submitter = new MlflowTrackingObserver(store, options);
        submitter.RunStarted(run);
        var parentId = submitter.ParentRun!.RunId;

        // Worker 1 runs 'a'; worker 2 starts 'b' and dies; worker 3 runs 'b' again and closes the run.
        var one = Worker();
        Assert.True(one.Attach(run, () => started));
        started.Add(WorkflowEvents.Stage(run, "a", "eval.math", new JsonObject { ["k"] = 1 }));
        one.StageStarted(started[^1]);
        one.StageMetrics("a", 0, new Dictionary<string, double> { ["eval/acc"] = 0.5 });
        one.StageFinished("a", WorkflowEvents.Result(StageStatus.Succeeded, []));
        var two = Worker();
        Assert.True(two.Attach(run, () => started));
        two.StageStarted(WorkflowEvents.Stage(run, "b", "eval.math", new JsonObject { ["k"] = 2 }));
        two.StageMetrics("b", 1, new Dictionary<string, double> { ["eval/acc"] = 0.25 });
        Assert.Equal(MlflowRunStatus.Running, LocalRunReader.Read(submitter.ParentRun.Directory).Status);
        var three = Worker();
        Assert.True(three.Attach(run, () => started));
        started.Add(WorkflowEvents.Stage(run, "b", "eval.math", new JsonObject { ["k"] = 2 }) with { Attempt = 2 });
        three.StageStarted(started[^1]);
        three.StageMetrics("b", 2, new Dictionary<string, double> { ["eval/acc"] = 0.75 });
        three.StageFinished("b", WorkflowEvents.Result(StageStatus.Failed, []));
        three.RunFinished(run, new RunResult { RunId = run.RunId, Status = RunStatus.Failed, Stages = new Dictionary<string, StageResult>() });

        Assert.All([one, two, three], o => Assert.Empty(o.Errors));
        var runs = store.RunDirectories().Select(LocalRunReader.Read).ToList();
        Assert.Equal(3, runs.Count);
        var parent = runs.Single(r => r.RunId == parentId);
        Assert.Equal(MlflowRunStatus.Failed, parent.Status);
        var b = runs.Single(r => r.Tags.GetValueOrDefault(MlflowTags.Stage) == "b");
        Assert.Equal((parentId, "2", MlflowRunStatus.Failed), (b.Tags[MlflowTags.ParentRunId], b.Tags["tbrmflow.attempt"], b.Status));
        Assert.Equal([0.25, 0.75], b.Metrics["eval/acc"].Select(p => p.Value));
        Assert.Equal([0.5], parent.Metrics["eval/acc/a"].Select(p => p.Value));
        Assert.Equal([0.25, 0.75], parent.Metrics["eval/acc/b"].Select(p => p.Value));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(submitter.ParentRun.ArtifactsDirectory, "manifest.json")))!;
        Assert.Equal(2, manifest["plan"]!["b"]!["attempt"]!.GetValue<int>());
        Assert.Equal(["a", "b"], manifest["plan"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task TwoProcessesSendingOneStore_CreateEachRunOnce_AndSendEachValueOnce()
    {
        using var server = new MlflowServerTestDouble();
        var report = Directory.CreateDirectory(Path.Combine(_dir.Path, "report")).FullName;
        File.WriteAllText(Path.Combine(report, "summary.json"), "{}");
        WorkflowEvents.Play(TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = Store }), _dir.File("wf.yaml", "name: x\n"), report);
        RunSynchronizer Process() => new(new MlflowFileStore(Store), new MlflowRestClient(server.Uri, MlflowCredentials.None));

        // Each "process" sends children before their parent, so each child races the other process for the parent.
        var directories = new MlflowFileStore(Store).RunDirectories().OrderByDescending(d => File.Exists(Path.Combine(d, "tags", MlflowTags.ParentRunId))).ToList();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var process = Process();
            foreach (var dir in i % 2 == 0 ? directories : Enumerable.Reverse(directories))
            {
                await process.SyncRunAsync(dir, CancellationToken.None);
            }
        })));

        Assert.Equal(4, server.Runs.Count);
        var parent = server.Runs.Values.Single(r => !r.Tags.ContainsKey(MlflowTags.ParentRunId));
        Assert.All(server.Runs.Values.Where(r => r != parent), r => Assert.Equal(parent.RunId, r.Tags[MlflowTags.ParentRunId]));
        var local = directories.Select(LocalRunReader.Read).Sum(r => r.Metrics.Values.Sum(v => v.Count));
        Assert.Equal(local, server.Runs.Values.Sum(r => r.Metrics.Count));
        Assert.All(server.Runs.Values, r => Assert.Equal("FINISHED", r.Status));
    }

    [Fact]
    public async Task AProcessReachingTheServerAtAnotherAddress_SharesTheStateOfTheRecordedName()
    {
        using var server = new MlflowServerTestDouble();
        var recorded = new Uri("http://mlflow.example:5000/");
        WorkflowEvents.Play(TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = Store }), _dir.File("wf.yaml", "name: x\n"), Directory.CreateDirectory(Path.Combine(_dir.Path, "r")).FullName);
        RunSynchronizer Process() => new(new MlflowFileStore(Store), new MlflowRestClient(server.Uri, MlflowCredentials.None), recorded);

        var first = await Process().SyncAllAsync(CancellationToken.None);
        var second = await Process().SyncAllAsync(CancellationToken.None);

        Assert.Equal((4, 0), (first.RunsCreated, second.RunsCreated));
        Assert.Equal(4, server.Runs.Count);
        Assert.All(new MlflowFileStore(Store).RunDirectories(), d => Assert.True(File.Exists(SyncState.PathFor(d, recorded))));
    }
}
