using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Tests;

public sealed class KillTests
{
    [Fact]
    public async Task KillingTheProcess_LosesNoMetricReportedBeforeTheKill()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "mlruns");
        var (runDir, lastReported) = await RunHelperUntilAsync(store, killAt: 300);

        var reader = new FileStoreLayoutReader(store);
        var experiment = Path.GetFileName(Path.GetDirectoryName(runDir))!;
        var metrics = reader.Metrics(experiment, Path.GetFileName(runDir));
        foreach (var key in new[] { "train/loss", "train/reward_mean" })
        {
            var steps = metrics[key].Select(m => m.Step).ToList();
            Assert.Equal(Enumerable.Range(0, (int)lastReported + 1).Select(i => (long)i), steps.Take((int)lastReported + 1));
        }
        Assert.Equal(lastReported * 0.5, metrics["train/loss"][(int)lastReported].Value);
        Assert.Equal("1", reader.RunMeta(experiment, Path.GetFileName(runDir))["status"]);
    }

    /// <summary>
    /// kill -9 at step 150 or later, then a resume from the checkpoint at step 100 replays 101..170: no metric file
    /// holds a step twice, the replayed values win, and the runs end FINISHED. Before keying metrics by step, each
    /// file held the steps 101..K twice (K the last step logged before the kill).
    /// </summary>
    [Fact]
    public async Task KillAfterACheckpoint_ThenResume_NoStepTwiceInAnyMetricFile_AndTrueStatus()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "mlruns");
        var (runDir, killedAt) = await RunHelperUntilAsync(store, 150);
        var loggedBeforeResume = MetricFile.Read(Path.Combine(runDir, "metrics", "train", "loss"), out _).Count;

        var observer = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = store });
        var run = new RunInfo { RunId = "kill-test", WorkflowName = "kill", Experiment = "durability", Params = new JsonObject { ["seed"] = 1 }, Resumed = true };
        observer.RunStarted(run);
        observer.StageStarted(new StageInfo { RunId = run.RunId, StageId = "train", Activity = "test.loop", ActivityVersion = 1, Inputs = [], Attempt = 2 });
        for (long step = 101; step <= 170; step++)
        {
            observer.StageMetrics("train", step, new Dictionary<string, double> { ["train/loss"] = -step, ["train/reward_mean"] = -1.0 });
        }
        observer.StageFinished("train", new StageResult { Status = StageStatus.Succeeded, Attempts = 2, DurationS = 1, Outputs = [], Metrics = new Dictionary<string, double>() });
        observer.RunFinished(run, new RunResult { RunId = run.RunId, Status = RunStatus.Succeeded, Stages = new Dictionary<string, StageResult>() });
        await observer.DisposeAsync();

        Assert.Empty(observer.Errors);
        Assert.Equal(runDir, observer.StageRun("train")!.Directory);
        var duplicated = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(runDir, "metrics"), "*", SearchOption.AllDirectories))
        {
            var steps = MetricFile.Read(file, out var cut).Select(p => p.Step).ToList();
            duplicated += steps.Count - steps.Distinct().Count();
            Assert.False(cut);
            Assert.Equal(Enumerable.Range(0, 171).Select(i => (long)i), steps);
        }
        Assert.Equal(0, duplicated);
        Assert.True(loggedBeforeResume >= killedAt + 1, $"{loggedBeforeResume} lines before the resume, kill at {killedAt}");
        var loss = MetricFile.Read(Path.Combine(runDir, "metrics", "train", "loss"), out _);
        Assert.Equal((50.0, -101.0, -170.0), (loss[100].Value, loss[101].Value, loss[170].Value));
        Assert.Equal(MlflowRunStatus.Finished, LocalRunReader.Read(runDir).Status);
        Assert.Equal(MlflowRunStatus.Finished, LocalRunReader.Read(observer.ParentRun!.Directory).Status);
        // What the old append-only files held twice after this resume: the replayed steps 101..min(K, 170) of both keys
        // (K the last step on disk at the kill).
        Console.WriteLine($"kill with step {loggedBeforeResume - 1} on disk: old behaviour {2 * (Math.Min(loggedBeforeResume - 1, 170) - 100)} duplicated lines, now {duplicated}");
    }

    private static async Task<(string RunDir, long LastReported)> RunHelperUntilAsync(string store, long killAt)
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "TbrmFlow.Tracking.KillHelper.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [helper, store])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        string? runDir = null;
        long lastReported = -1;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("run ", StringComparison.Ordinal))
            {
                runDir = line[4..];
            }
            else if (line.StartsWith("logged ", StringComparison.Ordinal) && (lastReported = long.Parse(line[7..], CultureInfo.InvariantCulture)) >= killAt)
            {
                process.Kill(entireProcessTree: true); // SIGKILL on Linux
                break;
            }
        }
        await process.WaitForExitAsync();
        Assert.True(runDir is not null && lastReported >= killAt, "helper stopped early: " + await process.StandardError.ReadToEndAsync());
        return (runDir!, lastReported);
    }
}
