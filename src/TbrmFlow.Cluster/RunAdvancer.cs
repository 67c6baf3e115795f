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
        using var connection = source.OpenConnection();
        using var tx = connection.BeginTransaction();
        var run = LockRun(connection, tx, runId);
        if (run?.Status == RunStatus.Cancelling)
        {
            var closed = RunCanceller.Close(connection, tx, run);
            tx.Commit();
            return new Outcome([], closed.RunStatus, closed.State == RunCanceller.State.Cancelled) { NotRun = closed.Stopped };
        }
        if (run is null || run.Status != RunStatus.Running)
        {
            tx.Commit();
            return new Outcome([], run is null ? "missing" : Lifecycle.Name(run.Status));
        }
        var (_, plan) = RunPlans.Load(run);
        var records = ReadStages(connection, tx, runId).ToDictionary(s => s.InstanceId, StringComparer.Ordinal);
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
            PostgresRunStore.Upsert(connection, tx, record);
            records[instance.Id] = record;
        }
        var ends = Lifecycle.IsFinal(step.Status);
        if (ends)
        {
            run.Status = Lifecycle.Move(run.Status, step.Status);
            run.Error = RunProgress.Error(plan.Select(i => records[i.Id]).Select(r => (r.InstanceId, r.Status, r.Error)));
            run.FinishedAt = DateTime.UtcNow;
            PostgresRunStore.Upsert(connection, tx, run);
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

    /// <summary>Locks and reads the run's row inside <paramref name="tx"/>; null when there is no such run.</summary>
    public static RunRecord? LockRun(NpgsqlConnection connection, NpgsqlTransaction tx, string runId)
    {
        using var command = new NpgsqlCommand(
            "SELECT \"Workflow\", \"Experiment\", \"SourceFile\", \"SourceText\", \"ParamsJson\", \"Status\", \"StartedAt\", \"FinishedAt\", \"Pid\", \"Error\", \"Tracking\" FROM runs WHERE \"Id\" = @id FOR UPDATE",
            connection, tx);
        command.Parameters.AddWithValue("id", runId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        return new RunRecord
        {
            Id = runId,
            Workflow = reader.GetString(0),
            Experiment = reader.GetString(1),
            SourceFile = reader.IsDBNull(2) ? null : reader.GetString(2),
            SourceText = reader.GetString(3),
            ParamsJson = reader.GetString(4),
            Status = Lifecycle.ParseRun(reader.GetString(5)),
            StartedAt = reader.GetDateTime(6),
            FinishedAt = reader.IsDBNull(7) ? null : reader.GetDateTime(7),
            Pid = reader.GetInt32(8),
            Error = reader.IsDBNull(9) ? null : reader.GetString(9),
            Tracking = reader.IsDBNull(10) ? null : reader.GetString(10),
        };
    }

    /// <summary>The run's top-level stage records (sub-stages of repeats excluded) inside <paramref name="tx"/>.</summary>
    public static List<StageRecord> ReadStages(NpgsqlConnection connection, NpgsqlTransaction tx, string runId)
    {
        using var command = new NpgsqlCommand(
            "SELECT \"InstanceId\", \"StageId\", \"Activity\", \"ActivityVersion\", \"Status\", \"Attempts\", \"Error\", \"StartedAt\" FROM stages WHERE \"RunId\" = @id AND \"Iteration\" IS NULL ORDER BY \"Id\"",
            connection, tx);
        command.Parameters.AddWithValue("id", runId);
        using var reader = command.ExecuteReader();
        var result = new List<StageRecord>();
        while (reader.Read())
        {
            result.Add(new StageRecord
            {
                RunId = runId,
                InstanceId = reader.GetString(0),
                StageId = reader.GetString(1),
                Activity = reader.GetString(2),
                ActivityVersion = reader.GetInt32(3),
                Status = Lifecycle.ParseStage(reader.GetString(4)),
                Attempts = reader.GetInt32(5),
                Error = reader.IsDBNull(6) ? null : reader.GetString(6),
                StartedAt = reader.IsDBNull(7) ? null : reader.GetDateTime(7),
            });
        }
        return result;
    }
}
