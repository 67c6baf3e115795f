using System.Globalization;

namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>The metrics of one evaluation (the content of an EvalReport's <c>summary.json</c>).</summary>
public sealed record EvalSummary
{
    /// <summary>Samples per problem used by the metrics.</summary>
    public required int K { get; init; }

    /// <summary>Problems evaluated.</summary>
    public required int Problems { get; init; }

    /// <summary>Mean correctness of the first k samples, averaged over problems.</summary>
    public required MetricInterval AvgAtK { get; init; }

    /// <summary>Unbiased pass@k (1 - C(n-c,k)/C(n,k) with all n samples), averaged over problems.</summary>
    public required MetricInterval PassAtK { get; init; }

    /// <summary>Whether the majority answer of the first k samples is correct, averaged over problems.</summary>
    public required MetricInterval MajAtK { get; init; }

    /// <summary>Mean length of all samples (tokens or characters, see <see cref="LengthUnit"/>).</summary>
    public required double MeanResponseLength { get; init; }

    /// <summary>"tokens" or "characters".</summary>
    public required string LengthUnit { get; init; }

    /// <summary>Fraction of all samples cut off at the token limit.</summary>
    public required double TruncationRate { get; init; }

    /// <summary>Seed of the bootstrap.</summary>
    public required int BootstrapSeed { get; init; }

    /// <summary>Bootstrap resamples.</summary>
    public required int BootstrapResamples { get; init; }

    /// <summary>Metric names and values as logged: <c>eval/avg@{k}</c>, <c>eval/avg@{k}_ci_low</c>, ..., <c>eval/response_length</c>, <c>eval/truncation_rate</c>.</summary>
    public IReadOnlyDictionary<string, double> ToMetrics()
    {
        var k = K.ToString(CultureInfo.InvariantCulture);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, m) in new[] { ("avg", AvgAtK), ("pass", PassAtK), ("maj", MajAtK) })
        {
            metrics[$"eval/{name}@{k}"] = m.Value;
            metrics[$"eval/{name}@{k}_ci_low"] = m.CiLow;
            metrics[$"eval/{name}@{k}_ci_high"] = m.CiHigh;
        }
        metrics["eval/response_length"] = MeanResponseLength;
        metrics["eval/truncation_rate"] = TruncationRate;
        return metrics;
    }
}
