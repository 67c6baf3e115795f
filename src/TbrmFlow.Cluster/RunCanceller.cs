using Microsoft.EntityFrameworkCore;
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
        using var tx = StoreTransaction.Begin(source);
        var run = tx.LockRun(runId);
        if (run is null || !Lifecycle.IsLive(run.Status))
        {
            tx.Commit();
            return new Outcome(run is null ? State.NotFound : State.AlreadyEnded, run is null ? "missing" : Lifecycle.Name(run.Status), [], []);
        }
        if (run.Status == RunStatus.Running)
        {
            run.Status = Lifecycle.Move(run.Status, RunStatus.Cancelling);
            run.Error = reason;
            tx.Save(run);
        }
        var outcome = Close(tx, run);
        tx.Commit();
        return outcome;
    }

    /// <summary>
    /// Inside the run's lock (<paramref name="run"/> is <c>cancelling</c>): ends the instances that did not
    /// start, and closes the run as <c>cancelled</c> when no instance is running any more.
    /// </summary>
    public static Outcome Close(StoreTransaction tx, RunRecord run)
    {
        var (_, plan) = RunPlans.Load(run);
        var records = tx.TopLevelStages(run.Id).ToDictionary(s => s.InstanceId, StringComparer.Ordinal);
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
                var status = Lifecycle.Move(recorded.Status, ended.Status);
                tx.Stage(run.Id, ended.InstanceId).ExecuteUpdate(s => s
                    .SetProperty(r => r.Status, status)
                    .SetProperty(r => r.Error, ended.Reason)
                    .SetProperty(r => r.FinishedAt, r => DateTime.UtcNow)); // now() on the server
                recorded.Status = status;
            }
            else
            {
                var record = RunAdvancer.NewRecord(run.Id, byId[ended.InstanceId], StageStatus.Pending);
                record.EndNotRun(ended.Status, ended.Reason);
                tx.Save(record);
                records[ended.InstanceId] = record;
            }
        }
        var stopped = step.Ended.Select(e => e.InstanceId).ToList();
        var running = records.Values.Where(r => r.Status == StageStatus.Running).Select(r => r.InstanceId).ToList();
        if (Lifecycle.IsFinal(step.Status))
        {
            run.Status = Lifecycle.Move(run.Status, step.Status);
            run.FinishedAt = DateTime.UtcNow;
            tx.Save(run);
            return new Outcome(State.Cancelled, Lifecycle.Name(run.Status), [], stopped);
        }
        return new Outcome(State.Cancelling, Lifecycle.Name(run.Status), running, stopped);
    }

    /// <summary>
    /// Inside the run's lock, for a job re-delivered while its run is cancelling: a stage still recorded
    /// <c>running</c> lost its worker, so nothing will stop it; its open attempts are closed as lost and
    /// the stage as cancelled, so the run can close.
    /// </summary>
    public static void CloseAbandoned(StoreTransaction tx, string runId, string instanceId, string workerName)
    {
        var closed = tx.Stage(runId, instanceId).Where(s => s.Status == StageStatus.Running).ExecuteUpdate(s => s
            .SetProperty(r => r.Status, StageStatus.Cancelled)
            .SetProperty(r => r.Error, "cancelled (its worker was lost)")
            .SetProperty(r => r.FinishedAt, r => DateTime.UtcNow));
        if (closed == 0)
        {
            return;
        }
        tx.AttemptsOf(runId, instanceId).Where(a => a.Status == StageStatus.Running).ExecuteUpdate(s => s
            .SetProperty(a => a.Status, StageStatus.Failed)
            .SetProperty(a => a.FinishedAt, a => DateTime.UtcNow)
            .SetProperty(a => a.Error, a => StageJob.WorkerLost + " " + (a.Worker ?? "?") + " stopped without a result; the run was cancelled (seen by " + workerName + ")"));
    }
}
