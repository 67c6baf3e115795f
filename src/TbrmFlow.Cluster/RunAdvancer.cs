using System.Linq.Expressions;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Npgsql;
using TbrmFlow.Cluster.Store;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster;

/// <summary>
/// Advances a cluster run: with the run's row locked (<c>SELECT ... FOR UPDATE</c>), plans the stored
/// workflow, asks <see cref="RunProgress.Evaluate(IReadOnlyList{StageInstance}, IReadOnlyDictionary{string, StageStatus}, bool)"/>
/// (the rules the in-process engine uses) what became ready, records those as <c>queued</c> and enqueues one job
/// each (records the ones it ends <c>skipped</c>), and closes the run with its outcome when every instance is final. The client calls it once after creating the run and every worker calls it
/// after finishing a stage; the row lock and the "no record yet" rule make sure an instance is
/// enqueued once, whoever advances. No coordinator process stays alive.
/// </summary>
public static class RunAdvancer
{
    /// <summary>What one advance did.</summary>
    /// <param name="Enqueued">Instances enqueued, with their queues.</param>
    /// <param name="RunStatus">The run's status afterwards.</param>
    /// <param name="Closed">This advance closed the run (exactly one advance does): its caller reports the end to tracking.</param>
    public sealed record Outcome(IReadOnlyList<(string InstanceId, string Queue)> Enqueued, string RunStatus, bool Closed = false)
    {
        /// <summary>Instances this advance ended without running them (skipped: a dependency did not succeed), for <see cref="RunTracking"/>.</summary>
        public IReadOnlyList<string> NotRun { get; init; } = [];
    }

    /// <summary>Enqueues what became ready in <paramref name="runId"/>; see the type's summary.</summary>
    public static Outcome Advance(ClusterConnection cluster, string runId) =>
        Advance(cluster.DataSource, cluster.Jobs, runId);

    /// <summary>As above, with the job client given (tests pass Hangfire's real client on the same storage).</summary>
    public static Outcome Advance(NpgsqlDataSource source, IBackgroundJobClient jobs, string runId)
    {
        using var tx = StoreTransaction.Begin(source);
        var run = tx.LockRun(runId);
        if (run?.Status == RunStatus.Cancelling)
        {
            var closed = RunCanceller.Close(tx, run);
            tx.Commit();
            return new Outcome([], closed.RunStatus, closed.State == RunCanceller.State.Cancelled) { NotRun = closed.Stopped };
        }
        if (run is null || run.Status != RunStatus.Running)
        {
            tx.Commit();
            return new Outcome([], run is null ? "missing" : Lifecycle.Name(run.Status));
        }
        var (_, plan) = RunPlans.Load(run);
        var records = tx.TopLevelStages(runId).ToDictionary(s => s.InstanceId, StringComparer.Ordinal);
        var step = RunProgress.Evaluate(plan, records.ToDictionary(r => r.Key, r => r.Value.Status, StringComparer.Ordinal), cancelling: false);
        var ready = step.Ready.ToHashSet(StringComparer.Ordinal);
        var ended = step.Ended.ToDictionary(e => e.InstanceId, StringComparer.Ordinal);
        var enqueued = new List<(string, string)>();
        foreach (var instance in plan.Where(i => ready.Contains(i.Id) || ended.ContainsKey(i.Id)))
        {
            var record = NewRecord(runId, instance, StageStatus.Queued);
            if (ended.TryGetValue(instance.Id, out var notRun))
            {
                record.Status = StageStatus.Pending;
                record.EndNotRun(notRun.Status, notRun.Reason);
            }
            else
            {
                var queue = StageQueues.For(instance.Stage);
                // Enqueued before the commit, under the lock: a crash between the two leaves a job
                // whose instance has no record, which the job then claims itself (never a lost stage).
                jobs.Create(Job.FromExpression(JobCall(runId, instance.Id)), new EnqueuedState(queue));
                enqueued.Add((instance.Id, queue));
            }
            tx.Save(record);
            records[instance.Id] = record;
        }
        var ends = Lifecycle.IsFinal(step.Status);
        if (ends)
        {
            run.Status = Lifecycle.Move(run.Status, step.Status);
            run.Error = RunProgress.Error(plan.Select(i => records[i.Id]).Select(r => (r.InstanceId, r.Status, r.Error)));
            run.FinishedAt = DateTime.UtcNow;
            tx.Save(run);
        }
        tx.Commit();
        return new Outcome(enqueued, Lifecycle.Name(run.Status), ends) { NotRun = [.. step.Ended.Select(e => e.InstanceId)] };
    }

    /// <summary>The job every stage instance becomes.</summary>
    public static Expression<Func<StageJob, Task>> JobCall(string runId, string instanceId) =>
        job => job.RunAsync(runId, instanceId, CancellationToken.None);

    /// <summary>The first record of a top-level instance: queued, or pending until <see cref="StageRecord.EndNotRun"/> ends it.</summary>
    public static StageRecord NewRecord(string runId, StageInstance instance, StageStatus status) => new()
    {
        RunId = runId,
        InstanceId = instance.Id,
        StageId = instance.Stage.Id,
        Activity = instance.Stage.Repeat is null ? instance.Stage.Uses : "repeat",
        Status = Lifecycle.Move(StageStatus.Pending, status),
    };
}
