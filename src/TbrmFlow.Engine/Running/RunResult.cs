using System.Text.Json.Nodes;

namespace TbrmFlow.Engine.Running;

/// <summary>The outcome of a workflow run, as printed by <c>tbrmflow run --json</c>.</summary>
public sealed record RunResult
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>succeeded, failed or cancelled when it ended; running, cancelling or interrupted for a stored run that did not end.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>One entry per stage instance, in execution order.</summary>
    public required IReadOnlyDictionary<string, StageResult> Stages { get; init; }

    /// <summary>Set when a write fault ended the run (<see cref="Faults.WriteFault.Message"/>, e.g. <c>disk full writing
    /// PATH</c>), with " (not recorded in the store)" when even marking the run failed could not be written.</summary>
    public string? WriteFault { get; init; }
}

/// <summary>The outcome of one stage instance.</summary>
public sealed record StageResult
{
    /// <summary>Final state.</summary>
    public required StageStatus Status { get; init; }

    /// <summary>How many attempts ran.</summary>
    public required int Attempts { get; init; }

    /// <summary>Wall time of the last attempt.</summary>
    public required double DurationS { get; init; }

    /// <summary>The activity's outputs (snake_case), or empty.</summary>
    public required JsonObject Outputs { get; init; }

    /// <summary>The last value of each metric the stage reported.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>Why it failed or was skipped.</summary>
    public string? Error { get; init; }
}
