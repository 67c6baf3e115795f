namespace TbrmFlow.Workflows.Expressions;

/// <summary>An expression failed to parse or evaluate; <see cref="Position"/> is a 0-based offset in its source.</summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExpressionException(string message, int position)
        : base(message) => Position = position;

    /// <summary>Creates the exception without a position.</summary>
    public ExpressionException() : this("expression error", 0) { }

    /// <summary>Creates the exception without a position.</summary>
    public ExpressionException(string message) : this(message, 0) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public ExpressionException(string message, Exception inner) : base(message, inner) { }

    /// <summary>0-based offset into the expression text where the problem is.</summary>
    public int Position { get; }

    /// <summary>True when the expression breaks one of the <see cref="Parsing.WorkflowLimits"/> rather than the grammar (reported as TF0040).</summary>
    public bool IsLimit { get; init; }

    /// <summary>A limit error at <paramref name="position"/>.</summary>
    public static ExpressionException Limit(string message, int position) => new(message, position) { IsLimit = true };
}
