namespace TbrmFlow.Workflows.Parsing;

/// <summary>Thrown when a workflow file has errors; carries all of them.</summary>
public sealed class WorkflowParseException : Exception
{
    /// <summary>Creates the exception from the diagnostics found.</summary>
    public WorkflowParseException(string file, IReadOnlyList<Diagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics.Select(d => d.Format(file))))
    {
        File = file;
        Diagnostics = diagnostics;
    }

    /// <summary>The file that failed.</summary>
    public string File { get; }

    /// <summary>Every error and warning found.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
