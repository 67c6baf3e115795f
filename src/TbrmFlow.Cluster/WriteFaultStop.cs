using Microsoft.EntityFrameworkCore;
using Npgsql;
using TbrmFlow.Cluster.Store;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cluster;

/// <summary>
/// How a cluster run ends on a write fault (disk full or read-only: the shared artifact directory, the cluster
/// database), as an in-process run ends (the engine's WriteFaults): the stage whose write failed fails with the
/// fault's one-line message, the instances that had not started will not (failed with the same message, or
/// skipped behind a dependency that did not succeed), and the run is <c>failed</c> with the message. Stages other
/// workers are running see the run stop (<see cref="RunCancellationWatch"/>) and are failed with the message when
/// they end (<see cref="Settle"/>). Everything happens under the run's row lock.
/// </summary>
public static class WriteFaultStop
{
    /// <summary>Ends <paramref name="runId"/> after <paramref name="instanceId"/>'s write fault; see the type's summary.
    /// A run that is cancelling closes as cancelled (the user's cancel came first); one that ended is left as it is.</summary>
    /// <returns>What to tell tracking: the instances ended without running, and whether the run was closed.</returns>
    public static RunAdvancer.Outcome Stop(NpgsqlDataSource source, string runId, string instanceId, string message)
    {
        using var tx = StoreTransaction.Begin(source);
        var run = tx.LockRun(runId);
        if (run is null || !Lifecycle.IsLive(run.Status))
        {
            tx.Commit();
            return new RunAdvancer.Outcome([], run is null ? "missing" : Lifecycle.Name(run.Status));
        }
        FailInstance(tx, runId, instanceId, message);
        if (run.Status == RunStatus.Cancelling)
        {
            var closed = RunCanceller.Close(tx, run);
            tx.Commit();
            return new RunAdvancer.Outcome([], closed.RunStatus, closed.State == RunCanceller.State.Cancelled) { NotRun = closed.Stopped };
        }
        var (_, plan) = RunPlans.Load(run);
        var records = tx.TopLevelStages(runId).ToDictionary(s => s.InstanceId, StringComparer.Ordinal);
        // What a cancelled run would not start (RunProgress, as the in-process engine decides once the fault stopped it).
        var step = RunProgress.Evaluate(plan, records.ToDictionary(r => r.Key, r => r.Value.Status, StringComparer.Ordinal), cancelling: true);
        var byId = plan.ToDictionary(i => i.Id, StringComparer.Ordinal);
        foreach (var ended in step.Ended)
        {
            var record = records.GetValueOrDefault(ended.InstanceId) ?? RunAdvancer.NewRecord(runId, byId[ended.InstanceId], StageStatus.Pending);
            record.EndNotRun(ended.Status, ended.Reason);
            if (record.Status == StageStatus.Cancelled)
            {
                // Not through Lifecycle.Move (as in process): stopped by the fault, not by a user, so it failed.
                record.Status = StageStatus.Failed;
                record.Error = message;
            }
            tx.Save(record);
        }
        run.Status = Lifecycle.Move(run.Status, RunStatus.Failed);
        run.Error = message;
        run.FinishedAt = DateTime.UtcNow;
        tx.Save(run);
        tx.Commit();
        return new RunAdvancer.Outcome([], Lifecycle.Name(run.Status), Closed: true) { NotRun = [.. step.Ended.Select(e => e.InstanceId)] };
    }

    /// <summary>
    /// After a stage that the run's stop cancelled on this worker ended: when the run failed (a write fault elsewhere,
    /// not a user's cancel), the instance's cancelled records are failed with the run's message.
    /// </summary>
    /// <returns>The run's message when it had failed; null otherwise (nothing changed).</returns>
    public static string? Settle(NpgsqlDataSource source, string runId, string instanceId)
    {
        using var tx = StoreTransaction.Begin(source);
        var run = tx.LockRun(runId);
        if (run is { Status: RunStatus.Failed, Error: { } message })
        {
            var prefix = instanceId + "[iter=";
            tx.Db.Stages.Where(s => s.RunId == runId && (s.InstanceId == instanceId || s.InstanceId.StartsWith(prefix)) && s.Status == StageStatus.Cancelled)
                .ExecuteUpdate(u => u.SetProperty(s => s.Status, StageStatus.Failed).SetProperty(s => s.Error, message));
            tx.AttemptsOf(runId, instanceId).Where(a => a.Status == StageStatus.Cancelled)
                .ExecuteUpdate(u => u.SetProperty(a => a.Status, StageStatus.Failed).SetProperty(a => a.Error, message));
        }
        tx.Commit();
        return run is { Status: RunStatus.Failed } ? run.Error : null;
    }

    // The faulted instance (its repeat's sub-stages too) and its open attempts: failed with the message, unless they
    // ended on their own first (a stage that failed by itself keeps its error, as in process).
    private static void FailInstance(StoreTransaction tx, string runId, string instanceId, string message)
    {
        var prefix = instanceId + "[iter=";
        tx.Stage(runId, instanceId).Where(s => s.Status != StageStatus.Succeeded && s.Status != StageStatus.Cached)
            .ExecuteUpdate(u => u.SetProperty(s => s.Status, StageStatus.Failed).SetProperty(s => s.Error, message)
                .SetProperty(s => s.FinishedAt, s => s.FinishedAt ?? DateTime.UtcNow));
        tx.Db.Stages.Where(s => s.RunId == runId && s.InstanceId.StartsWith(prefix) && (s.Status == StageStatus.Running || s.Status == StageStatus.Cancelled))
            .ExecuteUpdate(u => u.SetProperty(s => s.Status, StageStatus.Failed).SetProperty(s => s.Error, message)
                .SetProperty(s => s.FinishedAt, s => s.FinishedAt ?? DateTime.UtcNow));
        tx.AttemptsOf(runId, instanceId).Where(a => a.Status == StageStatus.Running || a.Status == StageStatus.Cancelled)
            .ExecuteUpdate(u => u.SetProperty(a => a.Status, StageStatus.Failed).SetProperty(a => a.Error, message)
                .SetProperty(a => a.FinishedAt, a => a.FinishedAt ?? DateTime.UtcNow));
    }
}
