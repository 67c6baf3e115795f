using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Cluster.Tests;

public sealed class AdvancerTests
{
    // a -> (b on the gpu queue, c) -> d
    private const string Diamond = """
        name: diamond
        stages:
          a: { uses: cluster.probe, with: { steps: 1 } }
          b: { uses: cluster.probe, needs: [a], resources: { gpu: 1 } }
          c: { uses: cluster.probe, needs: [a] }
          d: { uses: cluster.probe, needs: [b, c] }
        """;

    private static async Task<string> StartAsync(ClusterConnection cluster, string yaml = Diamond)
    {
        var workflow = WorkflowParser.Parse(yaml, "diamond.yaml") with { SourceText = yaml };
        return await new ClusterRunner(cluster).StartAsync(workflow, new Dictionary<string, System.Text.Json.Nodes.JsonNode?>());
    }

    private static void SetStatus(ClusterConnection cluster, string runId, string instance, string status)
    {
        var stage = cluster.Store.GetStages(runId).Single(s => s.InstanceId == instance);
        stage.Status = Lifecycle.ParseStage(status);
        stage.OutputsJson = "{}";
        cluster.Store.SaveStage(stage);
    }

    private static long Jobs(ClusterConnection cluster, string queue) => cluster.Storage.GetMonitoringApi().EnqueuedCount(queue);

    [PostgresFact]
    public async Task Start_EnqueuesOnlyTheRoots_AndAdvancingAgainEnqueuesNothing()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster);
        Assert.Equal(1, Jobs(cluster, "default"));
        Assert.Equal("queued", Lifecycle.Name(Assert.Single(cluster.Store.GetStages(runId)).Status));
        var again = RunAdvancer.Advance(cluster, runId);
        Assert.Empty(again.Enqueued);
        Assert.Equal(1, Jobs(cluster, "default"));
    }

    [PostgresFact]
    public async Task FinishedStage_EnqueuesItsDependents_OnTheQueuesTheirResourcesName()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster);
        SetStatus(cluster, runId, "a", "succeeded");
        var outcome = RunAdvancer.Advance(cluster, runId);
        Assert.Equal([("b", "gpu"), ("c", "default")], outcome.Enqueued.OrderBy(e => e.InstanceId));
        Assert.Equal(1, Jobs(cluster, "gpu"));
        Assert.Equal(2, Jobs(cluster, "default"));
        Assert.Equal("running", outcome.RunStatus);
    }

    [PostgresFact]
    public async Task ConcurrentAdvances_EnqueueEachReadyInstanceExactlyOnce()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster);
        SetStatus(cluster, runId, "a", "succeeded");
        // Eight workers finishing at the same moment all advance the run.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => RunAdvancer.Advance(cluster, runId))));
        var enqueued = outcomes.SelectMany(o => o.Enqueued).Select(e => e.InstanceId).Order().ToList();
        Assert.Equal(["b", "c"], enqueued);
        Assert.Equal(1, Jobs(cluster, "gpu"));
        Assert.Equal(2, Jobs(cluster, "default"));
    }

    /// <summary>What the advancer, canceller and claim rely on: the EF read of the run happens under its row lock, on the
    /// transaction's own connection, so a second locker waits for the first and then reads what it committed.</summary>
    [PostgresFact]
    public async Task LockRun_BlocksASecondLocker_UntilCommit_WhichThenReadsTheCommittedRow()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster);
        var second = Task.CompletedTask;
        string? seen = null;
        using (var first = Store.StoreTransaction.Begin(cluster.DataSource))
        {
            var run = first.LockRun(runId)!;
            run.Error = "written under the lock";
            first.Save(run);
            // Same transaction: its own write is visible, through a fresh read.
            Assert.Equal("written under the lock", first.LockRun(runId)!.Error);
            second = Task.Run(() =>
            {
                using var other = Store.StoreTransaction.Begin(cluster.DataSource);
                seen = other.LockRun(runId)!.Error;
                other.Commit();
            });
            await Task.Delay(1000);
            Assert.False(second.IsCompleted, "the second locker did not wait for the first");
            first.Commit();
        }
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("written under the lock", seen);
    }

    [PostgresFact]
    public async Task FailedStage_SkipsItsDependents_AndFailsTheRunWhenAllAreFinal()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster);
        SetStatus(cluster, runId, "a", "succeeded");
        RunAdvancer.Advance(cluster, runId);
        SetStatus(cluster, runId, "b", "failed");
        Assert.Equal("running", RunAdvancer.Advance(cluster, runId).RunStatus);
        SetStatus(cluster, runId, "c", "succeeded");
        var outcome = RunAdvancer.Advance(cluster, runId);
        Assert.Equal("failed", outcome.RunStatus);
        Assert.Empty(outcome.Enqueued);
        var d = cluster.Store.GetStages(runId).Single(s => s.InstanceId == "d");
        Assert.Equal("skipped", Lifecycle.Name(d.Status));
        Assert.Equal("dependency 'b' failed", d.Error);
        Assert.Equal("failed", Lifecycle.Name(cluster.Store.GetRun(runId)!.Status));
    }

    [PostgresFact]
    public async Task AllSucceeded_ClosesTheRun()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = await StartAsync(cluster, "name: one\nstages:\n  only: { uses: cluster.probe }\n");
        SetStatus(cluster, runId, "only", "succeeded");
        Assert.Equal("succeeded", RunAdvancer.Advance(cluster, runId).RunStatus);
        var run = cluster.Store.GetRun(runId)!;
        Assert.Equal("succeeded", Lifecycle.Name(run.Status));
        Assert.NotNull(run.FinishedAt);
    }

    [PostgresFact]
    public void Claim_RefusesAFinishedInstance_AndClosesAttemptsOfADeadWorker()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = StartAsync(cluster).GetAwaiter().GetResult();
        cluster.Store.SaveAttempt(new AttemptRecord { RunId = runId, InstanceId = "a", Number = 1, Status = StageStatus.Running, StartedAt = DateTime.UtcNow, Worker = "dead" });
        var (run, lost) = StageJob.Claim(cluster.DataSource, runId, "a", "alive");
        Assert.NotNull(run);
        Assert.Equal(1, lost["a"]);
        var attempt = Assert.Single(cluster.Store.GetAttempts(runId));
        Assert.Equal("failed", Lifecycle.Name(attempt.Status));
        Assert.StartsWith("worker lost: dead stopped without a result", attempt.Error);
        SetStatus(cluster, runId, "a", "succeeded");
        Assert.Null(StageJob.Claim(cluster.DataSource, runId, "a", "alive").Run);
    }

    [PostgresFact]
    public void Claim_FailsAStageWhoseWorkerDiedThreeTimes()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        var runId = StartAsync(cluster).GetAwaiter().GetResult();
        for (var n = 1; n <= StageJob.MaxLostAttempts; n++)
        {
            cluster.Store.SaveAttempt(new AttemptRecord { RunId = runId, InstanceId = "a", Number = n, Status = StageStatus.Running, StartedAt = DateTime.UtcNow, Worker = $"w{n}" });
            var claimed = StageJob.Claim(cluster.DataSource, runId, "a", $"w{n + 1}");
            Assert.Equal(n < StageJob.MaxLostAttempts, claimed.Run is not null);
        }
        var a = cluster.Store.GetStages(runId).Single(s => s.InstanceId == "a");
        Assert.Equal("failed", Lifecycle.Name(a.Status));
        Assert.Contains("died 3 times", a.Error);
    }
}
