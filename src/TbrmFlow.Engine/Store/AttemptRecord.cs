using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>One attempt of a stage instance (table <c>attempts</c>).</summary>
public sealed class AttemptRecord
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The run.</summary>
    public required string RunId { get; set; }

    /// <summary>The stage instance.</summary>
    public required string InstanceId { get; set; }

    /// <summary>1-based attempt number (continues across resumes).</summary>
    public int Number { get; set; }

    /// <summary>Running, then succeeded, failed, cancelled or interrupted (<see cref="StageStatus"/>); stored as its lowercase name.</summary>
    public required StageStatus Status { get; set; }

    /// <summary>UTC start.</summary>
    public DateTime StartedAt { get; set; }

    /// <summary>UTC end.</summary>
    public DateTime? FinishedAt { get; set; }

    /// <summary>The cluster worker that ran it (<c>host:pid</c>), or null for an in-process run.</summary>
    public string? Worker { get; set; }

    /// <summary>The error of a failed attempt.</summary>
    public string? Error { get; set; }
}
