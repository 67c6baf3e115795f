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
    /// <summary>Why a stage that never started was cancelled (the in-process engine's words).</summary>
    public const string NotStarted = RunProgress.CancelledBeforeStart;

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
        if (run is null || !Lifecycle.IsLive(run.Status))
        {
            tx.Commit();
            return new Outcome(run is null ? State.NotFound : State.AlreadyEnded, run is null ? "missing" : Lifecycle.Name(run.Status), [], []);
        }
        if (run.Status == RunStatus.Running)
        {
            run.Status = Lifecycle.Move(run.Status, RunStatus.Cancelling);
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
        // The rules the in-process DAG follows once cancelled (RunProgress): instances that had not started
        // (queued: their job, when a worker picks it, finds the run not running and does nothing) are
        // cancelled, unplanned ones skipped behind a dependency that did not succeed, else cancelled;
        // instances behind a running one wait for it to end.
        var step = RunProgress.Evaluate(plan, records.ToDictionary(r => r.Key, r => r.Value.Status, StringComparer.Ordinal), cancelling: true);
        var byId = plan.ToDictionary(i => i.Id, StringComparer.Ordinal);
        foreach (var ended in step.Ended)
        {
            if (records.TryGetValue(ended.InstanceId, out var recorded))
            {
                using var update = new NpgsqlCommand(
                    "UPDATE stages SET \"Status\" = @status, \"Error\" = @why, \"FinishedAt\" = now() WHERE \"RunId\" = @run AND \"InstanceId\" = @id", connection, tx);
                update.Parameters.AddWithValue("status", Lifecycle.Name(Lifecycle.Move(recorded.Status, ended.Status)));
                update.Parameters.AddWithValue("why", ended.Reason);
                update.Parameters.AddWithValue("run", run.Id);
                update.Parameters.AddWithValue("id", ended.InstanceId);
                update.ExecuteNonQuery();
                recorded.Status = ended.Status;
            }
            else
            {
                var record = RunAdvancer.NewRecord(run.Id, byId[ended.InstanceId], StageStatus.Pending);
                record.EndNotRun(ended.Status, ended.Reason);
                PostgresRunStore.Upsert(connection, tx, record);
                records[ended.InstanceId] = record;
            }
        }
        var stopped = step.Ended.Select(e => e.InstanceId).ToList();
        var running = records.Values.Where(r => r.Status == StageStatus.Running).Select(r => r.InstanceId).ToList();
        if (Lifecycle.IsFinal(step.Status))
        {
            run.Status = Lifecycle.Move(run.Status, step.Status);
            run.FinishedAt = DateTime.UtcNow;
            PostgresRunStore.Upsert(connection, tx, run);
            return new Outcome(State.Cancelled, Lifecycle.Name(run.Status), [], stopped);
        }
        return new Outcome(State.Cancelling, Lifecycle.Name(run.Status), running, stopped);
    }

    /// <summary>
    /// Inside the run's lock, for a job re-delivered while its run is cancelling: a stage still recorded
    /// <c>running</c> lost its worker, so nothing will stop it; its open attempts are closed as lost and
    /// the stage as cancelled, so the run can close.
    /// </summary>
    public static void CloseAbandoned(NpgsqlConnection connection, NpgsqlTransaction tx, string runId, string instanceId, string workerName)
    {
        using var stage = new NpgsqlCommand(
            "UPDATE stages SET \"Status\" = @cancelled, \"Error\" = 'cancelled (its worker was lost)', \"FinishedAt\" = now() " +
            "WHERE \"RunId\" = @run AND \"InstanceId\" = @id AND \"Status\" = @running", connection, tx);
        stage.Parameters.AddWithValue("cancelled", Lifecycle.Name(StageStatus.Cancelled));
        stage.Parameters.AddWithValue("running", Lifecycle.Name(StageStatus.Running));
        stage.Parameters.AddWithValue("run", runId);
        stage.Parameters.AddWithValue("id", instanceId);
        if (stage.ExecuteNonQuery() == 0)
        {
            return;
        }
        using var attempts = new NpgsqlCommand(
            "UPDATE attempts SET \"Status\" = @failed, \"FinishedAt\" = now(), \"Error\" = 'worker lost: ' || COALESCE(\"Worker\", '?') || ' stopped without a result; the run was cancelled (seen by ' || @worker || ')' " +
            "WHERE \"RunId\" = @run AND (\"InstanceId\" = @id OR \"InstanceId\" LIKE @prefix) AND \"Status\" = @running", connection, tx);
        attempts.Parameters.AddWithValue("failed", Lifecycle.Name(StageStatus.Failed));
        attempts.Parameters.AddWithValue("running", Lifecycle.Name(StageStatus.Running));
        attempts.Parameters.AddWithValue("run", runId);
        attempts.Parameters.AddWithValue("id", instanceId);
        attempts.Parameters.AddWithValue("prefix", instanceId.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "[iter=%");
        attempts.Parameters.AddWithValue("worker", workerName);
        attempts.ExecuteNonQuery();
    }
}
