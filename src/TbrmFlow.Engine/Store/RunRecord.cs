using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>A workflow run as stored (table <c>runs</c>).</summary>
public sealed class RunRecord
{
    /// <summary>Run id (<c>yyyyMMdd-HHmmss-xxxxxx</c>).</summary>
    public required string Id { get; set; }

    /// <summary>Workflow name.</summary>
    public required string Workflow { get; set; }

    /// <summary>MLflow experiment.</summary>
    public required string Experiment { get; set; }

    /// <summary>Absolute path of the workflow file, when known.</summary>
    public string? SourceFile { get; set; }

    /// <summary>The workflow text as run (resume re-plans from it).</summary>
    public required string SourceText { get; set; }

    /// <summary>Resolved parameters as JSON.</summary>
    public required string ParamsJson { get; set; }

    /// <summary>See <see cref="RunStatus"/>; stored as its lowercase name. A run read as <c>running</c> whose owner died reads back as <see cref="RunStatus.Interrupted"/>.</summary>
    public required RunStatus Status { get; set; }

    /// <summary>UTC start.</summary>
    public DateTime StartedAt { get; set; }

    /// <summary>UTC end, when it ended.</summary>
    public DateTime? FinishedAt { get; set; }

    /// <summary>Process id of the process running it (0 in cluster mode, where workers run it).</summary>
    public int Pid { get; set; }

    /// <summary>
    /// UTC start time of that process: with <see cref="Pid"/> it names the owner, so a reused pid is not
    /// taken for a live owner (<see cref="RunOwner"/>). Null for cluster runs and rows from before it existed.
    /// </summary>
    public DateTime? OwnerStartedAt { get; set; }

    /// <summary>Why it failed, briefly.</summary>
    public string? Error { get; set; }

    /// <summary>
    /// Where the run is tracked, as the process that started it resolved it (cluster runs: every worker
    /// records its stages there); the tracking module owns the format. Null: not recorded.
    /// </summary>
    public string? Tracking { get; set; }
}
