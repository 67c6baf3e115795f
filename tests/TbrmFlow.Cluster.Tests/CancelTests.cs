using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Workflows.Parsing;
using static TbrmFlow.Cluster.Tests.ClusterTestSupport;

namespace TbrmFlow.Cluster.Tests;

/// <summary>Cancelling a cluster run: the canceller and advancer on PostgreSQL, then the CLI against a real worker process.</summary>
public sealed partial class CancelTests
{

    // a and q are roots; b waits for a, d for q.
    private const string Fork = """
        name: fork
        stages:
          a: { uses: cluster.probe, with: { steps: 1 } }
          q: { uses: cluster.probe, with: { steps: 1 } }
          b: { uses: cluster.probe, needs: [a] }
          d: { uses: cluster.probe, needs: [q] }
        """;

    private static async Task<string> StartAsync(ClusterConnection cluster)
    {
        var workflow = WorkflowParser.Parse(Fork, "fork.yaml") with { SourceText = Fork };
        return await new ClusterRunner(cluster).StartAsync(workflow, new Dictionary<string, JsonNode?>());
    }

    private static void SetStatus(ClusterConnection cluster, string runId, string instance, string status)
    {
        var stage = cluster.Store.GetStages(runId).Single(s => s.InstanceId == instance);
        stage.Status = Lifecycle.ParseStage(status);
        stage.OutputsJson = "{}";
        cluster.Store.SaveStage(stage);
    }

    private static StageRecord Stage(ClusterConnection cluster, string runId, string instance) =>
        cluster.Store.GetStages(runId).Single(s => s.InstanceId == instance);

    [PostgresFact]
    public async Task Cancel_WhileAStageRuns_EndsWhatHadNotStarted_AndTheLastAdvanceClosesTheRun()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster);
        SetStatus(cluster, runId, "a", "running");

        var outcome = RunCanceller.Cancel(cluster.DataSource, runId, "test");
        Assert.Equal(RunCanceller.State.Cancelling, outcome.State);
        Assert.Equal(["a"], outcome.Running);
        Assert.Equal(["d", "q"], outcome.Stopped.Order());
        Assert.Equal(("cancelling", "test"), (Lifecycle.Name(cluster.Store.GetRun(runId)!.Status), cluster.Store.GetRun(runId)!.Error));
        // The queued root never starts; its dependent is skipped, as in process.
        Assert.Equal(("cancelled", RunCanceller.NotStarted), (Lifecycle.Name(Stage(cluster, runId, "q").Status), Stage(cluster, runId, "q").Error));
        Assert.Equal(("skipped", "dependency 'q' cancelled"), (Lifecycle.Name(Stage(cluster, runId, "d").Status), Stage(cluster, runId, "d").Error));
        // b waits for a, which still runs.
        Assert.DoesNotContain(cluster.Store.GetStages(runId), s => s.InstanceId == "b");
        // q's job, when a worker picks it, does nothing.
        Assert.Null(StageJob.Claim(cluster.DataSource, runId, "q", "w").Run);
        Assert.Equal("cancelling", RunAdvancer.Advance(cluster, runId).RunStatus);

        // a finished before its worker noticed: b had not started, so it is cancelled; the run closes.
        SetStatus(cluster, runId, "a", "succeeded");
        var closed = RunAdvancer.Advance(cluster, runId);
        Assert.Equal("cancelled", closed.RunStatus);
        Assert.Empty(closed.Enqueued);
        Assert.Equal(("cancelled", RunCanceller.NotStarted), (Lifecycle.Name(Stage(cluster, runId, "b").Status), Stage(cluster, runId, "b").Error));
        Assert.NotNull(cluster.Store.GetRun(runId)!.FinishedAt);

        var again = RunCanceller.Cancel(cluster.DataSource, runId, "test");
        Assert.Equal((RunCanceller.State.AlreadyEnded, "cancelled"), (again.State, again.RunStatus));
        Assert.Equal(RunCanceller.State.NotFound, RunCanceller.Cancel(cluster.DataSource, "no-such-run", "test").State);
    }

    [PostgresFact]
    public async Task Cancel_WithNothingRunning_CancelsTheRunAtOnce()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster);
        var outcome = RunCanceller.Cancel(cluster.DataSource, runId, "test");
        Assert.Equal((RunCanceller.State.Cancelled, "cancelled"), (outcome.State, outcome.RunStatus));
        Assert.Empty(outcome.Running);
        Assert.Equal(["a", "b", "d", "q"], cluster.Store.GetStages(runId).Select(s => s.InstanceId).Order());
        Assert.Equal(["cancelled", "skipped", "skipped", "cancelled"], cluster.Store.GetStages(runId).OrderBy(s => s.InstanceId).Select(s => Lifecycle.Name(s.Status)));
    }

    [PostgresFact]
    public async Task CancellingRun_WhoseWorkerDied_ClosesWhenTheJobIsRedelivered()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster);
        SetStatus(cluster, runId, "a", "running");
        cluster.Store.SaveAttempt(new AttemptRecord { RunId = runId, InstanceId = "a", Number = 1, Status = StageStatus.Running, StartedAt = DateTime.UtcNow, Worker = "dead" });
        Assert.Equal(RunCanceller.State.Cancelling, RunCanceller.Cancel(cluster.DataSource, runId, "test").State);

        // The dead worker's lease expires and another worker gets the job: nothing runs, the stage and run close.
        Assert.Null(StageJob.Claim(cluster.DataSource, runId, "a", "alive").Run);
        Assert.Equal("cancelled", RunAdvancer.Advance(cluster, runId).RunStatus);
        Assert.Equal("cancelled", Lifecycle.Name(Stage(cluster, runId, "a").Status));
        Assert.Equal(("skipped", "dependency 'a' cancelled"), (Lifecycle.Name(Stage(cluster, runId, "b").Status), Stage(cluster, runId, "b").Error));
        var attempt = Assert.Single(cluster.Store.GetAttempts(runId));
        Assert.Equal("failed", Lifecycle.Name(attempt.Status));
        Assert.StartsWith("worker lost: dead stopped without a result; the run was cancelled", attempt.Error);
    }

    [PostgresFact]
    public async Task CancelCommand_StopsARunningStageOnAWorker_TheForegroundRunReportsCancelled_AndTheWorkerGoesOn()
    {
        using var db = new TestDatabase();
        var home = Directory.CreateTempSubdirectory("tbrmflow-cancel").FullName;
        var shared = Path.Combine(home, "shared");
        // long runs 30 s unless cancelled; after needs it; elsewhere waits on a queue no worker serves.
        var workflow = Path.Combine(home, "cancel-me.yaml");
        File.WriteAllText(workflow, """
            name: cancel-me
            stages:
              long: { uses: cluster.probe, with: { steps: 300, step_ms: 100 } }
              after: { uses: cluster.probe, needs: [long], with: { steps: 1 } }
              elsewhere: { uses: cluster.probe, resources: { queue: nobody }, with: { steps: 1 } }
            """);
        var quick = Path.Combine(home, "quick.yaml");
        File.WriteAllText(quick, """
            name: quick
            stages:
              one: { uses: cluster.probe, with: { steps: 2, step_ms: 10 } }
            """);
        using var worker = new TbrmflowProcess(home, "worker", "--cluster", db.ConnectionString, "--home", shared, "--queues", "default", "--name", "w1");
        await worker.WaitForOutputAsync("worker w1:", Long);
        using var cluster = db.Connect();
        _ = cluster.Store.GetAttempts("");

        using var foreground = new TbrmflowProcess(home, "run", workflow, "--cluster", db.ConnectionString, "--wait", "--json");
        await foreground.WaitForOutputAsync(" enqueued on ", Long);
        var runId = Enqueued().Match(foreground.Output).Groups[1].Value;
        await WaitAsync(() => cluster.Store.GetAttempts(runId).Any(a => a.InstanceId == "long" && a.Status == StageStatus.Running) && ProbeStep(shared, runId, "long") >= 3,
            () => $"the long stage never got past step 3\nworker:\n{worker.Output}");

        using (var cancel = new TbrmflowProcess(home, "cancel", runId, "--cluster", db.ConnectionString))
        {
            Assert.Equal(0, await cancel.WaitForExitAsync(Long));
            Assert.Contains($"run {runId} is cancelling: running stage(s) long stop on their workers", cancel.Stdout);
            Assert.Contains("1 stage(s) that had not started will not run", cancel.Stdout);
        }

        // The foreground run follows the run to its cancelled end, with the in-process Ctrl+C exit code.
        Assert.Equal(130, await foreground.WaitForExitAsync(Long));
        var result = JsonNode.Parse(foreground.Stdout)!;
        Assert.Equal("cancelled", (string?)result["status"]);
        var run = cluster.Store.GetRun(runId)!;
        Assert.Equal(("cancelled", "cancelled with 'tbrmflow cancel'"), (Lifecycle.Name(run.Status), run.Error));

        // The running stage stopped early, with one cancelled attempt (not re-queued, not a lost worker).
        Assert.InRange(ProbeStep(shared, runId, "long"), 3, 299);
        var attempt = Assert.Single(cluster.Store.GetAttempts(runId));
        Assert.Equal(("long", "cancelled", "cancelled", "w1"), (attempt.InstanceId, Lifecycle.Name(attempt.Status), attempt.Error, attempt.Worker));
        var stages = cluster.Store.GetStages(runId).ToDictionary(s => s.InstanceId, s => (Lifecycle.Name(s.Status), s.Error));
        Assert.Equal(("cancelled", "cancelled"), stages["long"]);
        Assert.Equal(("skipped", "dependency 'long' cancelled"), stages["after"]);
        Assert.Equal(("cancelled", RunCanceller.NotStarted), stages["elsewhere"]);
        Assert.Contains($"{runId} long: the run was cancelled; cancelled", worker.Output);
        // MLflow (./mlruns of the submitter): the parent, the stopped stage and the one the cancel ended are KILLED (5).
        var mlflow = MlflowStatuses(Path.Combine(home, "mlruns"));
        Assert.Equal("5", mlflow[$"cancel-me-{runId[^6..]}"]);
        Assert.Equal("5", mlflow["long"]);
        Assert.Equal("5", mlflow["elsewhere"]);

        // The worker serves the next run.
        using (var next = new TbrmflowProcess(home, "run", quick, "--cluster", db.ConnectionString, "--wait", "--json"))
        {
            Assert.True(await next.WaitForExitAsync(Long) == 0, next.Output + "\nworker:\n" + worker.Output);
            Assert.Equal("succeeded", (string?)JsonNode.Parse(next.Stdout)!["status"]);
        }

        // Nothing left to cancel, an unknown run, a local run: clear messages, no stack trace.
        using (var ended = new TbrmflowProcess(home, "cancel", runId, "--cluster", db.ConnectionString))
        {
            Assert.Equal(1, await ended.WaitForExitAsync(Long));
            Assert.Contains($"run '{runId}' already ended (cancelled); there is nothing to cancel", ended.Output);
        }
        using (var unknown = new TbrmflowProcess(home, "cancel", "20990101-000000-abcdef", "--cluster", db.ConnectionString))
        {
            Assert.Equal(2, await unknown.WaitForExitAsync(Long));
            Assert.Contains("no run '20990101-000000-abcdef' in the cluster", unknown.Output);
            Assert.DoesNotContain("   at ", unknown.Output);
        }
        using (var local = new TbrmflowProcess(home, "cancel", runId, "--home", Path.Combine(home, "local")))
        {
            Assert.Equal(2, await local.WaitForExitAsync(Long));
            Assert.Contains("for a cluster run add --cluster CONN", local.Output);
        }
    }

    [PostgresFact]
    public async Task CtrlC_OnAForegroundClusterRun_Detaches_AndTheRunGoesOn()
    {
        using var db = new TestDatabase();
        var home = Directory.CreateTempSubdirectory("tbrmflow-detach").FullName;
        var workflow = Path.Combine(home, "one.yaml");
        File.WriteAllText(workflow, """
            name: one
            stages:
              one: { uses: cluster.probe, with: { steps: 1 } }
            """);
        // No worker: the run waits in its queue while the submitter follows it.
        using var foreground = new TbrmflowProcess(home, "run", workflow, "--cluster", db.ConnectionString, "--wait");
        await foreground.WaitForOutputAsync("Ctrl+C stops following", Long);
        var runId = Enqueued().Match(foreground.Output).Groups[1].Value;
        using (var interrupt = System.Diagnostics.Process.Start("kill", ["-INT", foreground.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }
        Assert.Equal(130, await foreground.WaitForExitAsync(Long));
        Assert.Contains($"stopped following run {runId}; it goes on on the workers. Cancel it with: tbrmflow cancel {runId} --cluster", foreground.Output);
        using var cluster = db.Connect();
        Assert.Equal("running", Lifecycle.Name(cluster.Store.GetRun(runId)!.Status));
        Assert.Equal("queued", Lifecycle.Name(Assert.Single(cluster.Store.GetStages(runId)).Status));
    }

    // run_name -> status (MLflow's file store: 3 FINISHED, 4 FAILED, 5 KILLED) of every run in the store.
    private static Dictionary<string, string> MlflowStatuses(string mlruns) =>
        Directory.EnumerateFiles(mlruns, "meta.yaml", SearchOption.AllDirectories)
            .Select(File.ReadAllLines)
            .Where(lines => lines.Any(l => l.StartsWith("run_name:", StringComparison.Ordinal)))
            .ToDictionary(
                lines => lines.First(l => l.StartsWith("run_name:", StringComparison.Ordinal))["run_name:".Length..].Trim().Trim('\''),
                lines => lines.First(l => l.StartsWith("status:", StringComparison.Ordinal))["status:".Length..].Trim());

    [GeneratedRegex(@"run (\S+) enqueued on ")]
    private static partial Regex Enqueued();
}
