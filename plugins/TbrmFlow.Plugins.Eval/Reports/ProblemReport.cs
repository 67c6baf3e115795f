using TbrmFlow.Plugins.Eval.Metrics;

namespace TbrmFlow.Plugins.Eval.Reports;

/// <summary>One line of an EvalReport's <c>samples.jsonl</c>.</summary>
public sealed record ProblemReport
{
    /// <summary>The problem id.</summary>
    public required string Id { get; init; }

    /// <summary>The reference answer.</summary>
    public required string Reference { get; init; }

    /// <summary>This problem's avg@k.</summary>
    public double AvgAtK { get; init; }

    /// <summary>This problem's pass@k.</summary>
    public double PassAtK { get; init; }

    /// <summary>This problem's maj@k (0 or 1).</summary>
    public double MajAtK { get; init; }

    /// <summary>Every sample with its extracted answer and verdict.</summary>
    public required IReadOnlyList<ScoredSample> Samples { get; init; }
}
