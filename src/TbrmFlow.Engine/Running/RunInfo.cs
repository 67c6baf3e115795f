using System.Text.Json.Nodes;

namespace TbrmFlow.Engine.Running;

/// <summary>What observers learn about a run when it starts.</summary>
public sealed record RunInfo
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow's name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>MLflow experiment (the workflow's <c>experiment</c>, else its name).</summary>
    public required string Experiment { get; init; }

    /// <summary>The workflow's description.</summary>
    public string? Description { get; init; }

    /// <summary>Absolute path of the workflow file, when it came from one.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Resolved workflow parameters.</summary>
    public required JsonObject Params { get; init; }

    /// <summary>True when this start continues an interrupted run.</summary>
    public bool Resumed { get; init; }
}
