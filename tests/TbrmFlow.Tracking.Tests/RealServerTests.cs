using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Sync;

namespace TbrmFlow.Tracking.Tests;

/// <summary>Against a real MLflow server (MLFLOW_TEST_TRACKING_URI; skipped otherwise).</summary>
public sealed class RealServerTests
{
    [MlflowServerFact]
    public async Task Sync_WritesTheWholeRun_AndSecondSyncDuplicatesNothing()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "mlruns");
        var workflow = dir.File("wf.yaml", "name: x\n");
        dir.File("report/summary.json", "{}");
        var observer = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = store });
        WorkflowEvents.Play(observer, workflow, Path.Combine(dir.Path, "report"));
        using var client = new MlflowRestClient(MlflowServerFactAttribute.Server, MlflowCredentials.FromEnvironment());
        var synchronizer = new RunSynchronizer(new MlflowFileStore(store), client);

        var first = await synchronizer.SyncAllAsync(CancellationToken.None);
        var second = await synchronizer.SyncAllAsync(CancellationToken.None);

        Assert.Equal(4, first.RunsCreated);
        Assert.Equal(0, second.Metrics + second.Params + second.RunsCreated);
        var tbrmDir = new MlflowFileStore(store).RunDirectories().Single(d => LocalRunReader.Read(d).Tags.GetValueOrDefault("tbrmflow.stage") == "tbrm");
        var remoteId = SyncState.Load(tbrmDir, client.BaseUri).RemoteRunId!;
        var history = await client.GetMetricHistoryAsync(remoteId, "train/loss", CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], history.Select(h => h.Step).Order());
        Assert.True(double.IsNaN(history.Single(h => h.Step == 2).Value));
        var experiment = await client.GetOrCreateExperimentAsync("arithmetic", CancellationToken.None);
        Assert.Contains(remoteId, await client.SearchRunIdsAsync(experiment, $"tags.`tbrmflow.local_run_id` = '{Path.GetFileName(tbrmDir)}'", CancellationToken.None));
    }
}
