using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Sync;
using TbrmFlow.Tracking.Tests.TestDoubles;

namespace TbrmFlow.Tracking.Tests;

public sealed class SyncTests : IDisposable
{
    private readonly MlflowServerTestDouble _server = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private string Store => Path.Combine(_dir.Path, "mlruns");

    private RunSynchronizer Synchronizer() =>
        new(new MlflowFileStore(Store), new MlflowRestClient(_server.Uri, MlflowCredentials.None, maxAttempts: 2, firstDelay: TimeSpan.FromMilliseconds(10)));

    private void RecordLocally()
    {
        var workflow = _dir.File("wf.yaml", "name: x\n");
        _dir.File("report/summary.json", "{}");
        var observer = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = Store });
        WorkflowEvents.Play(observer, workflow, Path.Combine(_dir.Path, "report"));
    }

    [Fact]
    public async Task Sync_SendsEveryRun_WithRemoteParentIds_ThenNothingTwice()
    {
        RecordLocally();
        var first = await Synchronizer().SyncAllAsync(CancellationToken.None);

        var experiment = _server.Experiments.Values.Single(e => e.Name == "arithmetic");
        var runs = _server.Runs.Values.Where(r => r.ExperimentId == experiment.Id).ToList();
        Assert.Equal(4, runs.Count);
        var parent = runs.Single(r => !r.Tags.ContainsKey("mlflow.parentRunId"));
        Assert.All(runs.Where(r => r != parent), r => Assert.Equal(parent.RunId, r.Tags["mlflow.parentRunId"]));
        Assert.All(runs, r => Assert.Equal("FINISHED", r.Status));
        var tbrm = runs.Single(r => r.Tags.GetValueOrDefault("tbrmflow.stage") == "tbrm");
        Assert.Equal([1L, 2L, 3L], tbrm.Metrics.Where(m => m.Key == "train/reward_mean").Select(m => m.Step));
        Assert.True(double.IsNaN(tbrm.Metrics.Single(m => m.Key == "train/loss" && m.Step == 2).Value));
        Assert.Equal("sha256:abc", tbrm.Params["prompts"]);
        Assert.Equal(0.59, parent.Metrics.Single(m => m.Key == "eval/test/avg_1/evaluate.policy-tbrm").Value);
        Assert.Contains(_server.ArtifactFiles.Keys, k => k == $"{experiment.Id}/{parent.RunId}/artifacts/manifest.json");
        Assert.Equal(4, first.RunsCreated);
        Assert.Equal(8, first.Metrics);

        var metricsBefore = _server.Runs.Values.Sum(r => r.Metrics.Count);
        var second = await Synchronizer().SyncAllAsync(CancellationToken.None);
        Assert.Equal((0, 0, 0, 0, 0), (second.RunsCreated, second.Metrics, second.Params, second.Tags, second.Artifacts));
        Assert.Equal(metricsBefore, _server.Runs.Values.Sum(r => r.Metrics.Count));
        Assert.Equal(4, _server.Runs.Count);
    }

    [Fact]
    public async Task Sync_AfterAnswersLostInACrash_ReconcilesInsteadOfDuplicating()
    {
        RecordLocally();
        await Synchronizer().SyncAllAsync(CancellationToken.None);
        var store = new MlflowFileStore(Store);
        var tbrmDir = store.RunDirectories().Single(d => LocalRunReader.Read(d).Tags.GetValueOrDefault("tbrmflow.stage") == "tbrm");
        var parentDir = store.RunDirectories().Single(d => !LocalRunReader.Read(d).Tags.ContainsKey("mlflow.parentRunId"));
        // As if the process died after the server took a batch but before the state was saved ...
        var state = SyncState.Load(tbrmDir, _server.Uri);
        state.MetricSteps.Clear();
        state.Params.Clear();
        state.InFlight = true;
        state.Save(tbrmDir, _server.Uri);
        // ... and after runs/create succeeded but before its answer was recorded.
        var parentState = SyncState.Load(parentDir, _server.Uri);
        parentState.RemoteRunId = null;
        parentState.Creating = true;
        parentState.Save(parentDir, _server.Uri);
        var metricsBefore = _server.Runs.Values.Sum(r => r.Metrics.Count);

        var report = await Synchronizer().SyncAllAsync(CancellationToken.None);

        Assert.Equal(0, report.RunsCreated);
        Assert.Equal(0, report.Metrics);
        Assert.Equal(4, _server.Runs.Count);
        Assert.Equal(metricsBefore, _server.Runs.Values.Sum(r => r.Metrics.Count));
    }

    [Fact]
    public async Task ServerGoingAwayMidRun_BlocksNothing_LosesNothing_SyncCompletesExactlyOnce()
    {
        var observer = TrackingSetup.CreateObserver(new TrackingOptions
        {
            TrackingUri = _server.Uri.AbsoluteUri,
            LocalStore = Store,
            FlushTimeout = TimeSpan.FromSeconds(2),
        });
        var run = new RunInfo { RunId = "r-1", WorkflowName = "w", Experiment = "outage", Params = new JsonObject { ["seed"] = 1 } };
        observer.RunStarted(run);
        observer.StageStarted(WorkflowEvents.Stage(run, "train", "rl.tbrm", new JsonObject { ["beta"] = 0.05 }));
        for (var step = 1; step <= 50; step++)
        {
            observer.StageMetrics("train", step, new Dictionary<string, double> { ["train/loss"] = 1.0 / step });
        }
        await WaitUntil(() => ServerSteps().Count == 50);
        _server.Stop();
        for (var step = 51; step <= 100; step++)
        {
            observer.StageMetrics("train", step, new Dictionary<string, double> { ["train/loss"] = 1.0 / step });
        }
        observer.StageFinished("train", WorkflowEvents.Result(StageStatus.Succeeded, []));
        observer.RunFinished(run, new RunResult { RunId = "r-1", Status = RunStatus.Succeeded, Stages = new Dictionary<string, StageResult>() });
        await observer.DisposeAsync();

        var local = LocalRunReader.Read(observer.StageRun("train")!.Directory);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), local.Metrics["train/loss"].Select(p => p.Step));
        Assert.Equal(50, ServerSteps().Count);

        _server.Start();
        await Synchronizer().SyncAllAsync(CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), ServerSteps());
        Assert.All(_server.Runs.Values.Where(r => _server.Experiments[r.ExperimentId].Name == "outage"), r => Assert.Equal("FINISHED", r.Status));
    }

    [Fact]
    public async Task UnreachableServer_TheRunEndDoesNotWaitForTheFlushTimeout_AndRecordsStayPending()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var observer = TrackingSetup.CreateObserver(new TrackingOptions
        {
            TrackingUri = $"http://127.0.0.1:{closedPort}/",
            LocalStore = Store,
            FlushTimeout = TimeSpan.FromMinutes(10),
        });
        var run = new RunInfo { RunId = "r-down", WorkflowName = "w", Experiment = "down", Params = new JsonObject() };
        observer.RunStarted(run);
        observer.StageStarted(WorkflowEvents.Stage(run, "train", "rl.tbrm", new JsonObject()));
        observer.StageMetrics("train", 1, new Dictionary<string, double> { ["train/loss"] = 0.5 });
        observer.StageFinished("train", WorkflowEvents.Result(StageStatus.Succeeded, []));
        observer.RunFinished(run, new RunResult { RunId = "r-down", Status = RunStatus.Succeeded, Stages = new Dictionary<string, StageResult>() });

        // Far less than the 10-minute flush timeout: the guard only turns a hang into a failure.
        await observer.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Contains("pending", observer.Describe(), StringComparison.OrdinalIgnoreCase);
        var local = LocalRunReader.Read(observer.StageRun("train")!.Directory);
        Assert.Equal([1L], local.Metrics["train/loss"].Select(p => p.Step));
    }

    [Fact]
    public async Task Compare_FromServer_ReadsRunsChildrenAndFullHistories()
    {
        RecordLocally();
        await Synchronizer().SyncAllAsync(CancellationToken.None);
        var parent = _server.Runs.Values.Single(r => r.Tags.ContainsKey("tbrmflow.run_id") && !r.Tags.ContainsKey("mlflow.parentRunId"));
        using var client = new MlflowRestClient(_server.Uri, MlflowCredentials.None);

        var loaded = await Compare.RunComparison.LoadRemoteAsync(client, [parent.RunId], CancellationToken.None);
        var comparison = Compare.RunComparison.Build(loaded, "train/reward_mean");

        Assert.Equal(3, loaded.Single().Item2.Count);
        Assert.Equal("3", comparison.Runs.Single().Params["seed"]);
        Assert.Equal([1L, 2L, 3L], comparison.Panels.Single().Lines.Single().Points.Select(p => p.Step));
        Assert.Equal(0.59, comparison.FinalMetrics["eval/test/avg_1/evaluate.policy-tbrm"].Single());
        Assert.Equal(MlflowRunStatus.Finished, comparison.Runs.Single().Status);
    }

    private List<long> ServerSteps()
    {
        lock (_server.Runs)
        {
            return [.. _server.Runs.Values.ToList().SelectMany(r => r.Metrics.ToList()).Where(m => m.Key == "train/loss").Select(m => m.Step).Order()];
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), "the replicator did not deliver within 15 s");
    }
}
