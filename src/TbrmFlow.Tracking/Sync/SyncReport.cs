namespace TbrmFlow.Tracking.Sync;

/// <summary>What a sync pass sent.</summary>
public sealed record SyncReport
{
    /// <summary>Runs looked at.</summary>
    public int Runs { get; init; }

    /// <summary>Runs created on the server.</summary>
    public int RunsCreated { get; init; }

    /// <summary>Metric values sent.</summary>
    public int Metrics { get; init; }

    /// <summary>Params sent.</summary>
    public int Params { get; init; }

    /// <summary>Tags sent.</summary>
    public int Tags { get; init; }

    /// <summary>Artifact files uploaded.</summary>
    public int Artifacts { get; init; }

    /// <summary>Adds two reports.</summary>
    public static SyncReport operator +(SyncReport a, SyncReport b) => new()
    {
        Runs = a.Runs + b.Runs,
        RunsCreated = a.RunsCreated + b.RunsCreated,
        Metrics = a.Metrics + b.Metrics,
        Params = a.Params + b.Params,
        Tags = a.Tags + b.Tags,
        Artifacts = a.Artifacts + b.Artifacts,
    };
}
