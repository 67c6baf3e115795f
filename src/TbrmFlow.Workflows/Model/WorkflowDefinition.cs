namespace TbrmFlow.Workflows.Model;

/// <summary>A parsed workflow file: what <c>tbrmflow run</c> executes.</summary>
public sealed record WorkflowDefinition
{
    /// <summary>The workflow's name (<c>[a-z0-9-]+</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Free text shown in listings and on the MLflow run.</summary>
    public string? Description { get; init; }

    /// <summary>MLflow experiment; defaults to the name.</summary>
    public string? Experiment { get; init; }

    /// <summary>Declared parameters with their defaults, in file order.</summary>
    public IReadOnlyList<ParamDefinition> Params { get; init; } = [];

    /// <summary>Stages in file order (display order only; execution follows references). Defaults are already applied.</summary>
    public required IReadOnlyList<StageDefinition> Stages { get; init; }

    /// <summary>The file it came from (for messages), or null for text parsed from memory.</summary>
    public string? SourceFile { get; init; }

    /// <summary>The YAML text as parsed (stored with each run so that resume re-plans the same workflow).</summary>
    public string? SourceText { get; init; }
}
