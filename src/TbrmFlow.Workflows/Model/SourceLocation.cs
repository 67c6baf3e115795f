namespace TbrmFlow.Workflows.Model;

/// <summary>A 1-based position in a workflow file.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct SourceLocation(int Line, int Column)
{
    /// <summary>No known position.</summary>
    public static SourceLocation None { get; } = new(0, 0);
}
