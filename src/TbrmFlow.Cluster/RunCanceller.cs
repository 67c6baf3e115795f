using Npgsql;
using TbrmFlow.Cluster.Store;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster;

/// <summary>
/// Cancels a cluster run. <see cref="Cancel"/> marks the run <c>cancelling</c> under its row lock (as
/// <see cref="RunAdvancer"/> locks it), so no new stage is claimed or enqueued; the instances that had
/// not started end as the in-process engine ends them (<c>cancelled</c>, "the run was cancelled before
/// it started"; <c>skipped</c> when a dependency did not succeed). Workers running a stage of the run
/// notice within <see cref="WorkerOptions.RunCheckInterval"/> (<see cref="RunCancellationWatch"/>) and
/// cancel it; the last one to finish closes the run as <c>cancelled</c> when it advances.
/// </summary>
public static class RunCanceller
{
    /// <summary>The status of a run being cancelled while some of its stages still run on workers.</summary>
    public const string Cancelling = "cancelling";

    /// <summary>Why a stage that never started was cancelled (the in-process engine's words).</summary>
    public const string NotStarted = "the run was cancelled before it started";

    /// <summary>What <see cref="Cancel"/> found.</summary>
    public enum State
    {
        /// <summary>No such run in the cluster.</summary>
        NotFound,

        /// <summary>The run had already ended (<see cref="Outcome.RunStatus"/> says how); nothing changed.</summary>
        AlreadyEnded,

        /// <summary>The run is cancelling: <see cref="Outcome.Running"/> stages stop on their workers.</summary>
        Cancelling,

        /// <summary>No stage was running: the run is cancelled now.</summary>
        Cancelled,
    }

    /// <summary>What a cancel (or a close) did.</summary>
    /// <param name="State">See <see cref="State"/>.</param>
    /// <param name="RunStatus">The run's status afterwards (<c>missing</c> when there is no run).</param>
    /// <param name="Running">Instances still running on workers.</param>
    /// <param name="Stopped">Instances this call ended without running them (cancelled or skipped).</param>
    public sealed record Outcome(State State, string RunStatus, IReadOnlyList<string> Running, IReadOnlyList<string> Stopped);

    /// <summary>
    /// Cancels <paramref name="runId"/> and reports what the cancel ended (stages that will not run; the run's end when
    /// no stage was running) to tracking, as a worker's advance reports them: the one entry point for the CLI and the server.
    /// </summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="runId">The run.</param>
    /// <param name="reason">Recorded as the run's error.</param>
    /// <param name="tracking">The observer factory for the run's recorded tracking target; null: nothing is tracked.</param>
    /// <param name="log">Where a tracking failure is said.</param>
    public static Outcome CancelAndReport(ClusterConnection cluster, string runId, string reason, Func<RunRecord, IRunObserver>? tracking, Action<string> log)
    {
        var outcome = Cancel(cluster.DataSource, runId, reason);
        RunTracking.Report(cluster, tracking, runId, outcome.Stopped, outcome.State == State.Cancelled, null, log);
        return outcome;
    }

    /// <summary>Cancels <paramref name="runId"/> (again, when it is already cancelling: closes what it can).</summary>
    /// <param name="source">The cluster database.</param>
    /// <param name="runId">The run.</param>
    /// <param name="reason">Recorded as the run's error, e.g. "cancelled from the CLI".</param>
    public static Outcome Cancel(NpgsqlDataSource source, string runId, string reason)
    {
        using var connection = source.OpenConnection();
        using var tx = connection.BeginTransaction();
        var run = RunAdvancer.LockRun(connection, tx, runId);
        if (run is null || run.Status is not ("running" or Cancelling))
        {
            tx.Commit();
            return new Outcome(run is null ? State.NotFound : State.AlreadyEnded, run?.Status ?? "missing", [], []);
        }
        if (run.Status == "running")
        {
            run.Status = Cancelling;
            run.Error = reason;
            PostgresRunStore.Upsert(connection, tx, run);
        }
        var outcome = Close(connection, tx, run);
        tx.Commit();
        return outcome;
    }

    /// <summary>
    /// Inside the run's lock (<paramref name="run"/> is <c>cancelling</c>): ends the instances that did not
    /// start, and closes the run as <c>cancelled</c> when no instance is running any more.
    /// </summary>
    public static Outcome Close(NpgsqlConnection connection, NpgsqlTransaction tx, RunRecord run)
    {
        var (_, plan) = RunPlans.Load(run);
        var records = RunAdvancer.ReadStages(connection, tx, run.Id).ToDictionary(s => s.InstanceId, StringComparer.Ordinal);
        var stopped = new List<string>();
        // Queued: its job, when a worker picks it, finds the run not running and does nothing.
        using (var queued = new NpgsqlCommand(
            "UPDATE stages SET \"Status\" = 'cancelled', \"Error\" = @why, \"FinishedAt\" = now() " +
            "WHERE \"RunId\" = @run AND \"Iteration\" IS NULL AND \"Status\" IN ('queued', 'pending') RETURNING \"InstanceId\"", connection, tx))
        {
            queued.Parameters.AddWithValue("run", run.Id);
            queued.Parameters.AddWithValue("why", NotStarted);
            using var reader = queued.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(0);
                stopped.Add(id);
                if (records.TryGetValue(id, out var record))
                {
                    record.Status = "cancelled";
                }
            }
        }
        // Not planned yet: as the in-process DAG does once cancelled, skipped behind a dependency that did
        // not succeed, else cancelled; instances behind a running one wait for it to end.
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var instance in plan.Where(i => !records.ContainsKey(i.Id)))
            {
                if (!instance.DependsOn.All(d => records.TryGetValue(d, out var r) && RunAdvancer.IsFinal(r.Status)))
                {
                    continue;
                }
                var record = RunAdvancer.NewRecord(run.Id, instance);
                var blocker = instance.DependsOn.FirstOrDefault(d => records[d].Status is not ("succeeded" or "cached"));
                record.Status = blocker is null ? "cancelled" : "skipped";
                record.Error = blocker is null ? NotStarted : $"dependency '{blocker}' {records[blocker].Status}";
                record.FinishedAt = DateTime.UtcNow;
                PostgresRunStore.Upsert(connection, tx, record);
                records[instance.Id] = record;
                stopped.Add(instance.Id);
                changed = true;
            }
        }
        var running = records.Values.Where(r => r.Status == "running").Select(r => r.InstanceId).ToList();
        if (plan.All(i => records.TryGetValue(i.Id, out var r) && RunAdvancer.IsFinal(r.Status)))
        {
            run.Status = "cancelled";
            run.FinishedAt = DateTime.UtcNow;
            PostgresRunStore.Upsert(connection, tx, run);
            return new Outcome(State.Cancelled, run.Status, [], stopped);
        }
        return new Outcome(State.Cancelling, run.Status, running, stopped);
    }

    /// <summary>
    /// Inside the run's lock, for a job re-delivered while its run is cancelling: a stage still recorded
    /// <c>running</c> lost its worker, so nothing will stop it; its open attempts are closed as lost and
    /// the stage as cancelled, so the run can close.
    /// </summary>
    public static void CloseAbandoned(NpgsqlConnection connection, NpgsqlTransaction tx, string runId, string instanceId, string workerName)
    {
        using var stage = new NpgsqlCommand(
            "UPDATE stages SET \"Status\" = 'cancelled', \"Error\" = 'cancelled (its worker was lost)', \"FinishedAt\" = now() " +
            "WHERE \"RunId\" = @run AND \"InstanceId\" = @id AND \"Status\" = 'running'", connection, tx);
        stage.Parameters.AddWithValue("run", runId);
        stage.Parameters.AddWithValue("id", instanceId);
        if (stage.ExecuteNonQuery() == 0)
        {
            return;
        }
        using var attempts = new NpgsqlCommand(
            "UPDATE attempts SET \"Status\" = 'failed', \"FinishedAt\" = now(), \"Error\" = 'worker lost: ' || COALESCE(\"Worker\", '?') || ' stopped without a result; the run was cancelled (seen by ' || @worker || ')' " +
            "WHERE \"RunId\" = @run AND (\"InstanceId\" = @id OR \"InstanceId\" LIKE @prefix) AND \"Status\" = 'running'", connection, tx);
        attempts.Parameters.AddWithValue("run", runId);
        attempts.Parameters.AddWithValue("id", instanceId);
        attempts.Parameters.AddWithValue("prefix", instanceId.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "[iter=%");
        attempts.Parameters.AddWithValue("worker", workerName);
        attempts.ExecuteNonQuery();
    }
}
