using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Eval.MathEval;

/// <summary>The report and its headline numbers (also logged as <c>eval/avg@{k}</c>, ...).</summary>
public sealed record EvalMathResult
{
    /// <summary><c>summary.json</c> + <c>samples.jsonl</c>.</summary>
    public required EvalReport Report { get; init; }

    /// <summary>avg@k.</summary>
    public required double AvgAtK { get; init; }

    /// <summary>Lower end of avg@k's bootstrap 95% interval.</summary>
    public required double AvgAtKCiLow { get; init; }

    /// <summary>Upper end of avg@k's bootstrap 95% interval.</summary>
    public required double AvgAtKCiHigh { get; init; }

    /// <summary>pass@k (unbiased estimator).</summary>
    public required double PassAtK { get; init; }

    /// <summary>maj@k.</summary>
    public required double MajAtK { get; init; }

    /// <summary>Mean response length in tokens.</summary>
    public required double ResponseLength { get; init; }

    /// <summary>Fraction of responses that hit max_new_tokens.</summary>
    public required double TruncationRate { get; init; }
}
