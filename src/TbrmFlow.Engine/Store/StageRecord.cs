using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>One stage instance of a run (table <c>stages</c>).</summary>
public sealed class StageRecord
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The run.</summary>
    public required string RunId { get; set; }

    /// <summary>Instance id, e.g. <c>evaluate[policy=sft]</c> or <c>train[iter=2].update</c>.</summary>
    public required string InstanceId { get; set; }

    /// <summary>The stage id in the workflow.</summary>
    public required string StageId { get; set; }

    /// <summary>0-based iteration for sub-stages of a repeat.</summary>
    public int? Iteration { get; set; }

    /// <summary>Activity type (empty for repeat stages).</summary>
    public required string Activity { get; set; }

    /// <summary>Activity version.</summary>
    public int ActivityVersion { get; set; }

    /// <summary>See <see cref="StageStatus"/>; stored as its lowercase name.</summary>
    public required StageStatus Status { get; set; }

    /// <summary>Resolved inputs as JSON.</summary>
    public string? InputsJson { get; set; }

    /// <summary>Outputs as JSON.</summary>
    public string? OutputsJson { get; set; }

    /// <summary>Last value of each metric as JSON.</summary>
    public string? MetricsJson { get; set; }

    /// <summary>Hash of activity type, version and resolved inputs.</summary>
    public string? CacheKey { get; set; }

    /// <summary>When cached: the run and instance whose outputs were reused.</summary>
    public string? CachedFrom { get; set; }

    /// <summary>Attempts started so far.</summary>
    public int Attempts { get; set; }

    /// <summary>UTC start of the first attempt.</summary>
    public DateTime? StartedAt { get; set; }

    /// <summary>UTC end.</summary>
    public DateTime? FinishedAt { get; set; }

    /// <summary>Wall time of the last attempt.</summary>
    public double DurationS { get; set; }

    /// <summary>Why it failed or was skipped.</summary>
    public string? Error { get; set; }

    /// <summary>
    /// Ends the instance without running it (skipped, cancelled): no outputs, no metrics, the reason as its error.
    /// Both schedulers end instances through here, so their records agree.
    /// </summary>
    public void EndNotRun(StageStatus status, string reason)
    {
        Status = Lifecycle.Move(Status, status);
        Error = reason;
        OutputsJson = "{}";
        MetricsJson = "{}";
        DurationS = 0;
        FinishedAt = DateTime.UtcNow;
    }
}
