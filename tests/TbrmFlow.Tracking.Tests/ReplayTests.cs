using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Sync;
using TbrmFlow.Tracking.Tests.TestDoubles;

namespace TbrmFlow.Tracking.Tests;

/// <summary>Metrics are keyed by (run, key, step): a replayed step replaces, locally and when syncing.</summary>
public sealed class ReplayTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Store => Path.Combine(_dir.Path, "mlruns");

    private static RunInfo Run(bool resumed) =>
        new() { RunId = "replay-1", WorkflowName = "w", Experiment = "replay", Params = new JsonObject { ["seed"] = 1 }, Resumed = resumed };

    /// <summary>Logs <paramref name="first"/>..<paramref name="last"/> of stage 'train' (loss = step + offset).</summary>
    private static void Train(MlflowTrackingObserver observer, RunInfo run, long first, long last, double offset)
    {
        observer.StageStarted(WorkflowEvents.Stage(run, "train", "rl.tbrm", new JsonObject { ["beta"] = 0.05 }));
        for (var step = first; step <= last; step++)
        {
            observer.StageMetrics("train", step, new Dictionary<string, double> { ["train/loss"] = step + offset, ["train/reward_mean"] = offset });
        }
    }

    private static List<MetricPoint> Lines(string runDir, string key) => MetricFile.Read(Path.Combine(runDir, "metrics", key), out _);

    [Fact]
    public void Resume_ReplayingStepsAfterTheCheckpoint_ReplacesThem_NoStepTwiceInAnyFile()
    {
        var first = new MlflowTrackingObserver(new MlflowFileStore(Store), new TrackingOptions { TrackingUri = Store });
        first.RunStarted(Run(resumed: false));
        Train(first, Run(false), 0, 150, offset: 0); // killed at 150; the last checkpoint was at step 100
        var runDir = first.StageRun("train")!.Directory;

        var resumed = new MlflowTrackingObserver(new MlflowFileStore(Store), new TrackingOptions { TrackingUri = Store });
        resumed.RunStarted(Run(resumed: true));
        Train(resumed, Run(true), 101, 170, offset: 1000);
        resumed.StageFinished("train", WorkflowEvents.Result(StageStatus.Succeeded, []));

        Assert.Equal(runDir, resumed.StageRun("train")!.Directory);
        foreach (var key in new[] { "train/loss", "train/reward_mean" })
        {
            var lines = Lines(runDir, key);
            Assert.Equal(Enumerable.Range(0, 171).Select(i => (long)i), lines.Select(p => p.Step));
        }
        var loss = Lines(runDir, "train/loss");
        Assert.Equal(100.0, loss[100].Value);   // before the checkpoint: the first attempt's value
        Assert.Equal(1101.0, loss[101].Value);  // replayed: the resumed attempt's value
        Assert.Equal(1150.0, loss[150].Value);
        Assert.Equal(MlflowRunStatus.Finished, LocalRunReader.Read(runDir).Status);
    }

    [Fact]
    public void SameStepLoggedAgain_ReplacesItsLine_OtherStepsKeepTheirOrder()
    {
        var store = new MlflowFileStore(Store);
        var run = store.CreateRun(MlflowFileStore.DefaultExperimentId, "r", "u", 0, new Dictionary<string, string>());
        run.LogMetrics(1, 10, [KeyValuePair.Create("m", 1.0)]);
        run.LogMetrics(2, 20, [KeyValuePair.Create("m", 2.0)]);
        run.LogMetrics(1, 30, [KeyValuePair.Create("m", 5.0)]);

        Assert.Equal([(2L, 2.0), (1L, 5.0)], Lines(run.Directory, "m").Select(p => (p.Step, p.Value)));
        Assert.Equal([(1L, 5.0), (2L, 2.0)], LocalRunReader.Read(run.Directory).Metrics["m"].Select(p => (p.Step, p.Value)));
    }

    [Fact]
    public void Repair_AFileHoldingAReplayTwice_AndHalfMadeRuns()
    {
        var store = new MlflowFileStore(Store);
        var run = store.CreateRun(MlflowFileStore.DefaultExperimentId, "r", "u", 0, new Dictionary<string, string>());
        // What versions before this one wrote after a kill at 150 and a resume from 100: 101..150 twice, and a cut line.
        var file = Path.Combine(run.Directory, "metrics", "train_loss");
        var text = string.Concat(Enumerable.Range(0, 151).Select(s => $"{s} {s}.0 {s}\n"))
                   + string.Concat(Enumerable.Range(101, 70).Select(s => $"{s} {s + 1000}.0 {s}\n")) + "999 1.";
        File.WriteAllText(file, text);
        var experiment = Path.Combine(Store, MlflowFileStore.DefaultExperimentId);
        var empty = Directory.CreateDirectory(Path.Combine(experiment, "0123456789abcdef0123456789abcdef"));
        Directory.CreateDirectory(Path.Combine(empty.FullName, "metrics"));
        var withRecords = Path.Combine(experiment, "fedcba9876543210fedcba9876543210");
        Directory.CreateDirectory(Path.Combine(withRecords, "tags"));
        File.WriteAllText(Path.Combine(withRecords, "tags", MlflowTags.RunName), "half");
        var staging = Directory.CreateDirectory(Path.Combine(Store, MlflowFileStore.StagingFolder, "abc"));

        var report = MlflowRepair.Repair(store, minimumAge: TimeSpan.Zero);

        Assert.Equal(new RepairReport(MetricFiles: 1, DuplicateLines: 50, CutLines: 1, RemovedDirectories: 2, FinishedRuns: 1), report);
        var lines = Lines(run.Directory, "train_loss");
        Assert.Equal(Enumerable.Range(0, 171).Select(i => (long)i), lines.Select(p => p.Step));
        Assert.Equal(1101.0, lines[101].Value);
        Assert.False(Directory.Exists(empty.FullName));
        Assert.False(Directory.Exists(staging.FullName));
        Assert.False(Directory.Exists(Path.Combine(Store, MlflowFileStore.StagingFolder)));
        var finished = LocalRunReader.Read(withRecords);
        Assert.Equal((MlflowRunStatus.Failed, "half"), (finished.Status, finished.RunName));
        Assert.NotNull(finished.EndTime);
        Assert.True(MlflowRepair.Repair(store, minimumAge: TimeSpan.Zero).Clean);
    }

    [Fact]
    public async Task Sync_SendsEachStepOnce_AlsoAfterAResumeOfAnAlreadySyncedRun()
    {
        using var server = new MlflowServerTestDouble();
        RunSynchronizer Synchronizer() =>
            new(new MlflowFileStore(Store), new MlflowRestClient(server.Uri, MlflowCredentials.None, maxAttempts: 2, firstDelay: TimeSpan.FromMilliseconds(10)));
        var first = new MlflowTrackingObserver(new MlflowFileStore(Store), new TrackingOptions { TrackingUri = Store });
        first.RunStarted(Run(resumed: false));
        Train(first, Run(false), 0, 150, offset: 0);
        var sent = await Synchronizer().SyncAllAsync(CancellationToken.None);
        Assert.Equal(2 * 151, sent.Metrics);

        var resumed = new MlflowTrackingObserver(new MlflowFileStore(Store), new TrackingOptions { TrackingUri = Store });
        resumed.RunStarted(Run(resumed: true));
        Train(resumed, Run(true), 101, 170, offset: 1000);
        resumed.StageFinished("train", WorkflowEvents.Result(StageStatus.Succeeded, []));
        var again = await Synchronizer().SyncAllAsync(CancellationToken.None);
        var third = await Synchronizer().SyncAllAsync(CancellationToken.None);

        Assert.Equal(2 * 20, again.Metrics); // 151..170 of both keys; 101..150 the server has
        Assert.Equal(0, third.Metrics);
        var train = server.Runs.Values.Single(r => r.Tags.GetValueOrDefault(MlflowTags.Stage) == "train");
        foreach (var key in new[] { "train/loss", "train/reward_mean" })
        {
            Assert.Equal(Enumerable.Range(0, 171).Select(i => (long)i), train.Metrics.Where(m => m.Key == key).Select(m => m.Step).Order());
        }
        Assert.Equal("FINISHED", train.Status);
    }

    [Fact]
    public void SyncStateOfAnOlderVersion_CountingLines_BecomesTheHighestStepSent()
    {
        var store = new MlflowFileStore(Store);
        var run = store.CreateRun(MlflowFileStore.DefaultExperimentId, "r", "u", 0, new Dictionary<string, string>());
        for (var step = 0; step < 10; step++)
        {
            run.LogMetrics(step * 10, step, [KeyValuePair.Create("m", 1.0)]);
        }
        var server = new Uri("http://mlflow.invalid/");
        new SyncState { MetricLines = { ["m"] = 4 } }.Save(run.Directory, server);

        var state = SyncState.Load(run.Directory, server);

        Assert.Equal(30, state.MetricSteps["m"]);
        Assert.Empty(state.MetricLines);
        Assert.Equal([40L, 50, 60, 70, 80, 90], state.Unsent("m", LocalRunReader.Read(run.Directory).Metrics["m"]).Select(p => p.Step));
    }
}
