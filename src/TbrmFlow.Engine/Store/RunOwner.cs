using System.Diagnostics;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>
/// Who runs an in-process run: a process id and that process's start time, recorded on the run's row.
/// A run recorded as running whose owner is gone (killed, crashed, machine restarted) reads back as
/// <see cref="RunStatus.Interrupted"/>, its unfinished stages and attempts too; <c>tbrmflow resume</c>
/// continues it. Cluster runs (pid 0) have no owner: their workers hold Hangfire leases instead.
/// </summary>
public static class RunOwner
{
    private static readonly Lazy<DateTime> Started = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    });

    /// <summary>Marks this process as the owner of <paramref name="run"/>.</summary>
    public static void Claim(RunRecord run)
    {
        run.Pid = Environment.ProcessId;
        run.OwnerStartedAt = Started.Value;
    }

    /// <summary>True when the process recorded on <paramref name="run"/> still runs (a reused pid does not count).</summary>
    public static bool IsAlive(RunRecord run)
    {
        if (run.Pid == Environment.ProcessId && (run.OwnerStartedAt is null || Near(run.OwnerStartedAt.Value, Started.Value)))
        {
            return true;
        }
        try
        {
            using var process = Process.GetProcessById(run.Pid);
            return !process.HasExited && (run.OwnerStartedAt is not { } started || Near(process.StartTime.ToUniversalTime(), started));
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Start times are derived from clock ticks since boot: equal within a few ms for the same process.
    private static bool Near(DateTime a, DateTime b) => Math.Abs((a - b).TotalSeconds) < 1;

    /// <summary>
    /// The run as it truly is: a live status (running, cancelling) of an in-process run whose owner is gone
    /// becomes <see cref="RunStatus.Interrupted"/>. Returns true when it changed the record.
    /// </summary>
    public static bool Resolve(RunRecord run)
    {
        if (!Lifecycle.IsLive(run.Status) || run.Pid == 0 || IsAlive(run))
        {
            return false;
        }
        run.Status = Lifecycle.Move(run.Status, RunStatus.Interrupted);
        return true;
    }

    /// <summary>The stages of an interrupted run: the ones that were not final are interrupted too.</summary>
    public static void Resolve(IEnumerable<StageRecord> stages)
    {
        foreach (var stage in stages.Where(s => !Lifecycle.IsFinal(s.Status)))
        {
            stage.Status = Lifecycle.Move(stage.Status, StageStatus.Interrupted);
        }
    }

    /// <summary>The attempts of an interrupted run: the ones still running are interrupted.</summary>
    public static void Resolve(IEnumerable<AttemptRecord> attempts)
    {
        foreach (var attempt in attempts.Where(a => a.Status == StageStatus.Running))
        {
            attempt.Status = StageStatus.Interrupted;
        }
    }
}
