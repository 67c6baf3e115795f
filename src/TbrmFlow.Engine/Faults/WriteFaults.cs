using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Engine.Faults;

/// <summary>
/// How an in-process run ends on a write fault (disk full, read-only store): it stops, and what it leaves is true.
/// A small reserve file beside the run store is given up first, so that a full disk still has room to record the
/// run and its running stages as <c>failed</c> with one message, and to finish their MLflow runs FAILED.
/// </summary>
internal static class WriteFaults
{
    /// <summary>Room kept for the last records of a run that filled the disk.</summary>
    public const int ReserveBytes = 256 * 1024;

    /// <summary>The reserve file beside <paramref name="storePath"/>.</summary>
    public static string ReservePath(string storePath) => Path.Combine(Path.GetDirectoryName(storePath)!, ".tbrmflow-reserve");

    /// <summary>A latch that stops the run at the store's first failed write, with the reserve in place.</summary>
    public static WriteFaultLatch Watch(RunStore store, CancellationToken cancellation)
    {
        EnsureReserve(store.Path);
        // The reserve stays until End: freed at the first fault, it was taken by whatever wrote next (a stage's late
        // save, an observer's files) and End could then not record the run (CI saw that once). Saves that fail in
        // between are dropped; End rewrites every record they would have changed.
        var latch = new WriteFaultLatch(cancellation);
        store.WriteFailed += e => latch.Report(e, store.Path);
        return latch;
    }

    /// <summary>Writes the reserve when it is missing (real blocks, not a sparse file); no room for it is not an error.</summary>
    public static void EnsureReserve(string storePath)
    {
        var path = ReservePath(storePath);
        if (File.Exists(path) && new FileInfo(path).Length == ReserveBytes)
        {
            return;
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
            stream.Write(new byte[ReserveBytes]);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(path);
        }
    }

    /// <summary>Records the run (and its stages and attempts that were running) as failed with the fault's message,
    /// finishes their MLflow runs, and returns the result the caller reports.</summary>
    public static RunResult End(RunState state, RunRecord record, RunInfo info, WriteFault fault)
    {
        TryDelete(ReservePath(state.Store.Path));
        // Saves queued before the fault (a stage's large outputs, say) would fail again in the batch that records the
        // end, even with the reserve freed: they are let go first, so the end's own records are written alone.
        TryFlush(state.Store);
        var message = fault.Message;
        var now = DateTime.UtcNow;
        var results = state.Results();
        foreach (var (id, result) in results.Where(r => r.Value.Status is StageStatus.Cancelled or StageStatus.Running or StageStatus.Failed).ToList())
        {
            // Stopped by the fault, not by the user: they failed. Told again now that there is room: their MLflow runs
            // may not have been finished while the disk was full.
            results[id] = result.Status == StageStatus.Failed ? result : result with { Status = StageStatus.Failed, Error = message };
        }
        // Not through Lifecycle.Move: a stage the fault cancelled is corrected to failed (the fault, not the user, stopped it).
        record.Status = RunStatus.Failed;
        record.FinishedAt = now;
        record.Error = message;
        var recorded = true;
        try
        {
            foreach (var stage in state.Store.GetStages(record.Id).Where(s => s.Status is StageStatus.Running or StageStatus.Cancelled))
            {
                stage.Status = StageStatus.Failed;
                // A stage that failed on its own while the disk was full keeps its own error.
                stage.Error = results.TryGetValue(stage.InstanceId, out var own) && own.Error is { } error ? error : message;
                stage.FinishedAt ??= now;
                state.Store.SaveStage(stage);
            }
            foreach (var attempt in state.Store.GetAttempts(record.Id).Where(a => a.Status is StageStatus.Running or StageStatus.Cancelled))
            {
                attempt.Status = StageStatus.Failed;
                attempt.Error = message;
                attempt.FinishedAt ??= now;
                state.Store.SaveAttempt(attempt);
            }
            state.Store.SaveRun(record);
            state.Store.Flush();
        }
        catch (Exception e) when (WriteFault.Of(e) is not null)
        {
            recorded = false; // nothing can be written (a read-only store): the run's dead process tells resume the rest
        }
        // The store first: the observers' files (MLflow's many small ones, logs) would otherwise take the reserve.
        foreach (var (id, result) in results.Where(r => r.Value.Status == StageStatus.Failed))
        {
            state.Observer.StageFinished(id, result);
        }
        var final = new RunResult
        {
            RunId = record.Id,
            Status = RunStatus.Failed,
            Stages = results,
            WriteFault = recorded ? message : message + " (not recorded in the store)",
        };
        state.Observer.RunFinished(info, final);
        return final;
    }

    private static void TryFlush(IRunStore store)
    {
        try
        {
            store.Flush();
        }
        catch (Exception e) when (WriteFault.Of(e) is not null)
        {
            // the batch is dropped; what it held is written again below (the run, its stages and attempts as failed)
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a read-only store: nothing to free
        }
    }
}
