namespace TbrmFlow.Engine.Running;

/// <summary>
/// The life of a run. Stored as its lowercase name (<see cref="Lifecycle.Name(RunStatus)"/>); the legal
/// moves are in <see cref="Lifecycle"/>; the outcome of a finished run comes from <see cref="RunProgress.Outcome"/>.
/// </summary>
public enum RunStatus
{
    /// <summary>Every stage succeeded (or was cached or skipped by a condition).</summary>
    Succeeded,
    /// <summary>At least one stage failed.</summary>
    Failed,
    /// <summary>Stopped by the user.</summary>
    Cancelled,
    /// <summary>Stages are running or waiting to run.</summary>
    Running,
    /// <summary>Cluster mode: a cancel was asked for; stages still running on workers are stopping.</summary>
    Cancelling,
    /// <summary>The process that ran it died (in-process: no live owner); <c>tbrmflow resume</c> continues it.</summary>
    Interrupted,
}
