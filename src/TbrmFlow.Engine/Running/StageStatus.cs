namespace TbrmFlow.Engine.Running;

/// <summary>
/// The life of a stage instance and of each of its attempts. Stored as its lowercase name
/// (<see cref="Lifecycle.Name(StageStatus)"/>); the legal moves are in <see cref="Lifecycle"/>.
/// </summary>
public enum StageStatus
{
    /// <summary>Waiting for its dependencies.</summary>
    Pending,
    /// <summary>Dependencies done; waiting for a slot.</summary>
    Ready,
    /// <summary>Running now.</summary>
    Running,
    /// <summary>Finished with outputs.</summary>
    Succeeded,
    /// <summary>Failed after its retries.</summary>
    Failed,
    /// <summary>Stopped by the user.</summary>
    Cancelled,
    /// <summary>Not run (condition false or a dependency did not succeed).</summary>
    Skipped,
    /// <summary>Outputs reused from an identical earlier stage.</summary>
    Cached,
    /// <summary>Cluster mode: enqueued as a job, waiting for a worker.</summary>
    Queued,
    /// <summary>Its process died while it ran (or before it started); a resume runs it again.</summary>
    Interrupted,
}
