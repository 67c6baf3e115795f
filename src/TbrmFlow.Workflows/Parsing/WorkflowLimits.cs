namespace TbrmFlow.Workflows.Parsing;

/// <summary>
/// The bounds every workflow text is parsed, expanded and run under, on the command line and in the server alike.
/// A text beyond one gets a positioned TF0040 error naming the limit; docs/workflows.md ("Limits") has the table of
/// values and why each is safe. The largest workflow shipped (workflows/, tests) stays below each by 30x or more.
/// </summary>
public static class WorkflowLimits
{
    /// <summary>Largest workflow text in UTF-8 bytes (the server's request body limit is the same 1 MiB).</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>Longest single YAML scalar (key or value), in characters.</summary>
    public const int MaxScalarLength = 64 * 1024;

    /// <summary>Deepest nesting of YAML mappings and sequences (an alias counts at the depth it is expanded at).</summary>
    public const int MaxYamlDepth = 64;

    /// <summary>Most YAML nodes in a document, each alias counted as every node it expands to (the billion-laughs guard).</summary>
    public const int MaxYamlNodes = 100_000;

    /// <summary>
    /// Most characters of values once aliases are expanded (a short alias may repeat a long value), and most characters
    /// of values in one matrix's cells (each cell copies its values).
    /// </summary>
    public const int MaxExpandedChars = 2 * 1024 * 1024;

    /// <summary>Longest expression between <c>${{</c> and <c>}}</c>, in characters.</summary>
    public const int MaxExpressionLength = 4096;

    /// <summary>Deepest nesting in one expression: operators, parentheses, unary <c>!</c>/<c>-</c>, indexers, calls and member chains.</summary>
    public const int MaxExpressionDepth = 64;

    /// <summary>Most stages in a workflow, counting the sub-stages of every repeat.</summary>
    public const int MaxStages = 500;

    /// <summary>Most cells of one stage's matrix (the product of its axes, merged with an enclosing repeat's cells); also the most include and exclude entries.</summary>
    public const int MaxMatrixCells = 256;

    /// <summary>Most stage instances in one plan: the matrix cells of every stage and sub-stage added up (repeat iterations not multiplied in).</summary>
    public const int MaxStageInstances = 1024;

    /// <summary>Most iterations of a repeat: <c>repeat: N</c>, <c>max: N</c>, and a <c>repeat</c> expression's value when it runs.</summary>
    public const int MaxRepeatCount = 10_000;

    /// <summary>Most attempts of a stage (<c>retry</c>).</summary>
    public const int MaxRetryAttempts = 100;

    /// <summary>Longest <c>timeout</c>, <c>backoff</c> and wait between attempts, in seconds (24 days: .NET timers take at most 2^31-1 ms).</summary>
    public const int MaxDurationSeconds = 24 * 24 * 3600;

    /// <summary>Most diagnostics reported for one file; the rest are counted in one last message.</summary>
    public const int MaxDiagnostics = 200;

    /// <summary>Longest diagnostic message in characters; quoted user text beyond it is cut with an ellipsis.</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>The server stops validating a text after this many seconds (the command line has no such limit).</summary>
    public const int ValidationTimeoutSeconds = 10;

    /// <summary>The longest duration allowed (<see cref="MaxDurationSeconds"/>).</summary>
    public static TimeSpan MaxDuration { get; } = TimeSpan.FromSeconds(MaxDurationSeconds);

    /// <summary>The end of a limit message: <c>(limit MaxYamlDepth = 64)</c>, the name to look up in docs/workflows.md.</summary>
    public static string Cite(string name, long value) => $"(limit {name} = {value})";
}
