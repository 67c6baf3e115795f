using Hangfire;
using Npgsql;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster;

/// <summary>
/// The Hangfire job of one stage instance. Claims the instance under the run's row lock (a finished
/// instance is never run again; a <c>running</c> one was left by a worker that died, so its open
/// attempts are closed as lost), runs it through the engine's <see cref="StageInstanceRunner"/> with
/// a GPU lease from the worker's pool, then advances the run. On worker shutdown the stage is
/// cancelled, its record goes back to <c>queued</c> and the job is handed back to the queue.
/// </summary>
/// <param name="worker">The worker process running the job.</param>
public sealed class StageJob(ClusterWorker worker)
{
    /// <summary>Runs the stage instance <paramref name="instanceId"/> of run <paramref name="runId"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="instanceId">The top-level instance id.</param>
    /// <param name="shutdown">Hangfire's token: signalled when the worker stops.</param>
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(string runId, string instanceId, CancellationToken shutdown)
    {
        var cluster = worker.Cluster;
        var (run, lost) = Claim(cluster.DataSource, runId, instanceId, worker.Name);
        if (run is null)
        {
            Track(RunAdvancer.Advance(cluster, runId), runId, null);
            return;
        }
        var observer = worker.ObserverFor(run);
        var (_, plan) = RunPlans.Load(run);
        var stage = plan.FirstOrDefault(i => i.Id == instanceId)?.Stage;
        StageResult result;
        // `tbrmflow cancel` marks the run cancelling; the watch then cancels the stage like a Ctrl+C in process.
        using var watch = new RunCancellationWatch(cluster.DataSource, runId, worker.RunCheckInterval, shutdown);
        DevicePool.Lease lease;
        try
        {
            lease = await worker.Devices.TakeAsync(stage?.Resources.Gpu ?? 0, watch.Token);
        }
        catch (OperationCanceledException) when (watch.RunCancelled)
        {
            RunAdvancer.Advance(cluster, runId);
            return;
        }
        using (lease)
        {
            worker.Log($"{runId} {instanceId}: started{(lease.Devices.Count > 0 ? $" on gpu {string.Join(",", lease.Devices)}" : "")}");
            var settings = new StageInstanceSettings { Artifacts = worker.Artifacts, Devices = lease.Devices, Attempts = new WorkerAttempts(worker.Name, lost) };
            try
            {
                result = await worker.Runner.RunAsync(cluster.Store, run, instanceId, settings, observer, watch.Token);
            }
            catch (StageInputException e)
            {
                result = new StageResult { Status = StageStatus.Failed, Attempts = 0, DurationS = 0, Outputs = [], Metrics = new Dictionary<string, double>(), Error = e.Message };
                Fail(cluster.DataSource, runId, instanceId, e.Message);
            }
        }
        if (result.Status == StageStatus.Cancelled && shutdown.IsCancellationRequested)
        {
            Requeue(cluster.DataSource, runId, instanceId, worker.Name);
            worker.Log($"{runId} {instanceId}: cancelled by worker shutdown; handed back to the queue");
            throw new OperationCanceledException("worker stopping; the stage goes back to its queue", shutdown);
        }
        worker.Log($"{runId} {instanceId}: {(watch.RunCancelled ? "the run was cancelled; " : "")}{result.Status.ToString().ToLowerInvariant()} after {result.DurationS:0.###}s{(result.Error is null ? "" : $" ({result.Error})")}");
        var outcome = RunAdvancer.Advance(cluster, runId);
        Track(outcome, runId, observer);
        foreach (var (id, queue) in outcome.Enqueued)
        {
            worker.Log($"{runId} {id}: enqueued on '{queue}'");
        }
        if (outcome.RunStatus != Lifecycle.Name(RunStatus.Running))
        {
            worker.Log($"{runId}: run {outcome.RunStatus}");
        }
    }

    private void Track(RunAdvancer.Outcome outcome, string runId, IRunObserver? observer) =>
        RunTracking.Report(worker.Cluster, worker.Tracking, runId, outcome.NotRun, outcome.Closed, observer, worker.Log);

    /// <summary>A stage whose worker died this many times fails (it probably kills its worker, e.g. out of memory).</summary>
    public const int MaxLostAttempts = 3;

    /// <summary>
    /// Claims the instance under the run's lock: returns the run and the attempts lost with dead
    /// workers per instance id, or a null run when there is nothing to do (run over, or the instance
    /// already final: it must not run to completion twice).
    /// </summary>
    public static (RunRecord? Run, Dictionary<string, int> Lost) Claim(NpgsqlDataSource source, string runId, string instanceId, string workerName)
    {
        using var connection = source.OpenConnection();
        using var tx = connection.BeginTransaction();
        var run = RunAdvancer.LockRun(connection, tx, runId);
        if (run is null || run.Status != RunStatus.Running)
        {
            if (run?.Status == RunStatus.Cancelling)
            {
                RunCanceller.CloseAbandoned(connection, tx, runId, instanceId, workerName);
            }
            tx.Commit();
            return (null, []);
        }
        var status = Scalar(connection, tx, "SELECT \"Status\" FROM stages WHERE \"RunId\" = @run AND \"InstanceId\" = @id", runId, instanceId) as string;
        if (status is not null && Lifecycle.IsFinal(Lifecycle.ParseStage(status)))
        {
            tx.Commit();
            return (null, []);
        }
        // Attempts still 'running' belong to a worker that died (its lease expired, so Hangfire handed
        // the job to us); sub-stages of a repeat included.
        Execute(connection, tx,
            "UPDATE attempts SET \"Status\" = @s_failed, \"FinishedAt\" = now(), \"Error\" = 'worker lost: ' || COALESCE(\"Worker\", '?') || ' stopped without a result; job re-delivered to ' || @worker " +
            "WHERE \"RunId\" = @run AND (\"InstanceId\" = @id OR \"InstanceId\" LIKE @prefix) AND \"Status\" = @s_running",
            runId, instanceId, ("worker", workerName));
        // Excused from the retry budget: attempts lost with a killed worker or cancelled by a worker's shutdown.
        var lost = new Dictionary<string, int>(StringComparer.Ordinal);
        var killed = 0;
        using (var count = Command(connection, tx,
            "SELECT \"InstanceId\", count(*), count(*) FILTER (WHERE \"Error\" LIKE 'worker lost:%') FROM attempts " +
            "WHERE \"RunId\" = @run AND (\"InstanceId\" = @id OR \"InstanceId\" LIKE @prefix) AND (\"Error\" LIKE 'worker lost:%' OR \"Error\" LIKE 'worker stopped:%') GROUP BY \"InstanceId\"",
            runId, instanceId))
        using (var reader = count.ExecuteReader())
        {
            while (reader.Read())
            {
                lost[reader.GetString(0)] = (int)reader.GetInt64(1);
                killed = reader.GetString(0) == instanceId ? (int)reader.GetInt64(2) : killed;
            }
        }
        if (killed >= MaxLostAttempts)
        {
            Execute(connection, tx,
                $"UPDATE stages SET \"Status\" = @s_failed, \"FinishedAt\" = now(), \"Error\" = 'its worker died {MaxLostAttempts} times (killed, or out of memory?)' WHERE \"RunId\" = @run AND \"InstanceId\" = @id",
                runId, instanceId);
            tx.Commit();
            return (null, []);
        }
        tx.Commit();
        return (run, lost);
    }

    private static void Requeue(NpgsqlDataSource source, string runId, string instanceId, string workerName)
    {
        using var connection = source.OpenConnection();
        using var tx = connection.BeginTransaction();
        Execute(connection, tx,
            "UPDATE attempts SET \"Error\" = 'worker stopped: ' || @worker || ' was shut down; the stage went back to its queue' " +
            "WHERE \"RunId\" = @run AND (\"InstanceId\" = @id OR \"InstanceId\" LIKE @prefix) AND \"Status\" = @s_cancelled AND \"Error\" = 'cancelled'",
            runId, instanceId, ("worker", workerName));
        Execute(connection, tx, "UPDATE stages SET \"Status\" = @s_queued, \"Error\" = 'worker stopped; re-queued', \"FinishedAt\" = NULL WHERE \"RunId\" = @run AND \"InstanceId\" = @id", runId, instanceId);
        tx.Commit();
    }

    private static void Fail(NpgsqlDataSource source, string runId, string instanceId, string error)
    {
        using var connection = source.OpenConnection();
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, "UPDATE stages SET \"Status\" = @s_failed, \"Error\" = @error, \"FinishedAt\" = now() WHERE \"RunId\" = @run AND \"InstanceId\" = @id", runId, instanceId, ("error", error));
        tx.Commit();
    }

    private static object? Scalar(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string runId, string instanceId)
    {
        using var command = Command(connection, tx, sql, runId, instanceId);
        return command.ExecuteScalar();
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string runId, string instanceId, params (string Name, string Value)[] extra)
    {
        using var command = Command(connection, tx, sql, runId, instanceId, extra);
        command.ExecuteNonQuery();
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string runId, string instanceId, params (string Name, string Value)[] extra)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("id", instanceId);
        command.Parameters.AddWithValue("prefix", EscapeLike(instanceId) + "[iter=%");
        foreach (var (name, value) in extra)
        {
            command.Parameters.AddWithValue(name, value);
        }
        // Statuses by name (@s_failed), spelled by the lifecycle.
        foreach (var status in Enum.GetValues<StageStatus>().Where(st => sql.Contains("@s_" + Lifecycle.Name(st), StringComparison.Ordinal)))
        {
            command.Parameters.AddWithValue("s_" + Lifecycle.Name(status), Lifecycle.Name(status));
        }
        return command;
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
