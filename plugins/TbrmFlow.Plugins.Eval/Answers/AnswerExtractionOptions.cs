namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>Which patterns <see cref="AnswerExtractor"/> tries, in priority order.</summary>
public sealed record AnswerExtractionOptions
{
    /// <summary>Boxed, then <c>####</c>, then "the answer is", then the last number.</summary>
    public static AnswerExtractionOptions Default { get; } = new();

    /// <summary>Only <c>\boxed{}</c>: for MATH-style evaluation where an unboxed answer counts as wrong.</summary>
    public static AnswerExtractionOptions BoxedOnly { get; } = new() { Patterns = [AnswerPattern.Boxed] };

    /// <summary>Patterns to try, first match wins.</summary>
    public IReadOnlyList<AnswerPattern> Patterns { get; init; } =
        [AnswerPattern.Boxed, AnswerPattern.Hash, AnswerPattern.AnswerIs, AnswerPattern.LastNumber];
}
