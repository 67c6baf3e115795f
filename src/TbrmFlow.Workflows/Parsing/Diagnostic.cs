using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>An error or warning about a workflow file, printed as <c>FILE:LINE:COL: error TF####: message</c>.</summary>
/// <param name="Code">Stable code, e.g. <c>TF0001</c>.</param>
/// <param name="Message">What is wrong, and how to fix it when we know.</param>
/// <param name="Location">Where.</param>
/// <param name="IsWarning">Warnings do not stop a run.</param>
public sealed record Diagnostic(string Code, string Message, SourceLocation Location, bool IsWarning = false)
{
    /// <summary>What is wrong; cut at <see cref="WorkflowLimits.MaxMessageLength"/> characters (messages quote the file's text, which may be long).</summary>
    public string Message { get; init; } = ShortJson.Cut(Message, WorkflowLimits.MaxMessageLength);

    /// <summary>Formats the diagnostic the way compilers do, so editors can jump to it.</summary>
    public string Format(string file) =>
        $"{file}:{Location.Line}:{Location.Column}: {(IsWarning ? "warning" : "error")} {Code}: {Message}";
}
