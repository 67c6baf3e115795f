using Hangfire;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TbrmFlow.Cluster.Store;
using TbrmFlow.Engine.Faults;
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
        try
        {
            await ServeAsync(runId, instanceId, shutdown);
        }
        catch (Exception e) when (WriteFault.Of(e, worker.Cluster.Store.Path) is { } fault)
        {
            // A write outside the stage's run failed (its claim, the advance): the run stops the same way, and the
            // job ends here (Hangfire would retry it into the same fault); the worker goes on with other runs.
            StopOnFault(runId, instanceId, fault, null);
        }
    }

    private async Task ServeAsync(string runId, string instanceId, CancellationToken shutdown)
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
        using var faults = new WriteFaultLatch(watch.Token, cluster.Store.Path);
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
            // The stage's first write fault (shared artifact directory, cluster database) stops it and then its run.
            settings = settings with { Faults = faults };
            try
            {
                result = await worker.Runner.RunAsync(cluster.Store, run, instanceId, settings, observer, faults.Token);
            }
            catch (StageInputException e)
            {
                result = new StageResult { Status = StageStatus.Failed, Attempts = 0, DurationS = 0, Outputs = [], Metrics = new Dictionary<string, double>(), Error = e.Message };
                Fail(cluster.DataSource, runId, instanceId, e.Message);
            }
        }
        if (faults.Fault is { } fault)
        {
            StopOnFault(runId, instanceId, fault, observer);
            return;
        }
        if (watch.RunCancelled && WriteFaultStop.Settle(cluster.DataSource, runId, instanceId) is { } stoppedBy)
        {
            // Another stage's write fault failed the run: this one was stopped by it, not by a user (nothing to advance).
            worker.Log($"{runId} {instanceId}: stopped, the run failed: {stoppedBy}");
            return;
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

    // One line in the worker's log, no stack; the run ends failed with the fault's message (when the store takes it).
    private void StopOnFault(string runId, string instanceId, WriteFault fault, IRunObserver? observer)
    {
        try
        {
            var outcome = WriteFaultStop.Stop(worker.Cluster.DataSource, runId, instanceId, fault.Message);
            worker.Log($"{runId} {instanceId}: {fault.Message}; run {outcome.RunStatus}");
            Track(outcome, runId, observer);
        }
        catch (Exception e) when (WriteFault.Of(e, worker.Cluster.Store.Path) is { } again)
        {
            worker.Log($"{runId} {instanceId}: {fault.Message}; the run's end was not recorded ({again.Message})");
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
        using var tx = StoreTransaction.Begin(source);
        var run = tx.LockRun(runId);
        if (run is null || run.Status != RunStatus.Running)
        {
            if (run?.Status == RunStatus.Cancelling)
            {
                RunCanceller.CloseAbandoned(tx, runId, instanceId, workerName);
            }
            tx.Commit();
            return (null, []);
        }
        var stage = tx.Stage(runId, instanceId).AsNoTracking().Select(s => new { s.Status }).FirstOrDefault();
        if (stage is not null && Lifecycle.IsFinal(stage.Status))
        {
            tx.Commit();
            return (null, []);
        }
        // Attempts still 'running' belong to a worker that died (its lease expired, so Hangfire handed
        // the job to us); sub-stages of a repeat included.
        tx.AttemptsOf(runId, instanceId).Where(a => a.Status == StageStatus.Running).ExecuteUpdate(s => s
            .SetProperty(a => a.Status, StageStatus.Failed)
            .SetProperty(a => a.FinishedAt, a => DateTime.UtcNow) // now() on the server
            .SetProperty(a => a.Error, a => WorkerLost + " " + (a.Worker ?? "?") + " stopped without a result; job re-delivered to " + workerName));
        // Excused from the retry budget: attempts lost with a killed worker or cancelled by a worker's shutdown.
        var counts = tx.AttemptsOf(runId, instanceId)
            .Where(a => a.Error!.StartsWith(WorkerLost) || a.Error!.StartsWith(WorkerStopped))
            .GroupBy(a => a.InstanceId)
            .Select(g => new { InstanceId = g.Key, Excused = g.Count(), Killed = g.Count(a => a.Error!.StartsWith(WorkerLost)) })
            .ToList();
        var lost = counts.ToDictionary(c => c.InstanceId, c => c.Excused, StringComparer.Ordinal);
        var killed = counts.FirstOrDefault(c => c.InstanceId == instanceId)?.Killed ?? 0;
        if (killed >= MaxLostAttempts)
        {
            tx.Stage(runId, instanceId).ExecuteUpdate(s => s
                .SetProperty(r => r.Status, StageStatus.Failed)
                .SetProperty(r => r.FinishedAt, r => DateTime.UtcNow)
                .SetProperty(r => r.Error, $"its worker died {MaxLostAttempts} times (killed, or out of memory?)"));
            tx.Commit();
            return (null, []);
        }
        tx.Commit();
        return (run, lost);
    }

    /// <summary>How the error of an attempt whose worker died starts (not the stage's fault: not charged to its retries).</summary>
    internal const string WorkerLost = "worker lost:";

    // ... and of one whose worker was shut down and handed the stage back.
    private const string WorkerStopped = "worker stopped:";

    private static void Requeue(NpgsqlDataSource source, string runId, string instanceId, string workerName)
    {
        using var tx = StoreTransaction.Begin(source);
        tx.AttemptsOf(runId, instanceId).Where(a => a.Status == StageStatus.Cancelled && a.Error == "cancelled").ExecuteUpdate(s => s
            .SetProperty(a => a.Error, WorkerStopped + " " + workerName + " was shut down; the stage went back to its queue"));
        tx.Stage(runId, instanceId).ExecuteUpdate(s => s
            .SetProperty(r => r.Status, StageStatus.Queued)
            .SetProperty(r => r.Error, "worker stopped; re-queued")
            .SetProperty(r => r.FinishedAt, (DateTime?)null));
        tx.Commit();
    }

    private static void Fail(NpgsqlDataSource source, string runId, string instanceId, string error)
    {
        using var tx = StoreTransaction.Begin(source);
        tx.Stage(runId, instanceId).ExecuteUpdate(s => s
            .SetProperty(r => r.Status, StageStatus.Failed)
            .SetProperty(r => r.Error, error)
            .SetProperty(r => r.FinishedAt, r => DateTime.UtcNow));
        tx.Commit();
    }
}
