namespace TbrmFlow.Tracking.Local;

/// <summary>A run as read back from a store (local or remote).</summary>
public sealed record StoredRun
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The experiment's id.</summary>
    public required string ExperimentId { get; init; }

    /// <summary>Display name.</summary>
    public required string RunName { get; init; }

    /// <summary>Status.</summary>
    public required MlflowRunStatus Status { get; init; }

    /// <summary>Start time (ms since the epoch).</summary>
    public required long StartTime { get; init; }

    /// <summary>End time (ms), or null while running.</summary>
    public long? EndTime { get; init; }

    /// <summary>Params.</summary>
    public required IReadOnlyDictionary<string, string> Params { get; init; }

    /// <summary>Tags.</summary>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// <summary>Every metric's values: one per step (the last logged), in step order.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<MetricPoint>> Metrics { get; init; }
}
