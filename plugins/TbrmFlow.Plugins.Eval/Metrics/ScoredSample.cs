namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>One generated response after answer checking.</summary>
public sealed record ScoredSample
{
    /// <summary>The response text.</summary>
    public required string Response { get; init; }

    /// <summary>The extracted final answer, or null when none was found.</summary>
    public string? Answer { get; init; }

    /// <summary>Whether the answer matched the reference.</summary>
    public bool Correct { get; init; }

    /// <summary>Response length (tokens from <c>eval.math</c>, characters from <c>eval score</c>).</summary>
    public int Length { get; init; }

    /// <summary>True when generation stopped at the token limit instead of an end token.</summary>
    public bool Truncated { get; init; }
}
