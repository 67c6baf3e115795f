namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>avg@k, pass@k and maj@k with bootstrap intervals over problems (definitions in docs/evaluation.md).</summary>
public static class EvalMetrics
{
    /// <summary>Mean correctness of the first <paramref name="k"/> samples.</summary>
    public static double AvgAtK(IReadOnlyList<ScoredSample> samples, int k) =>
        samples.Take(k).Count(s => s.Correct) / (double)k;

    /// <summary>Unbiased pass@k from all samples (<see cref="Metrics.PassAtK.Estimate"/>).</summary>
    public static double PassAtK(IReadOnlyList<ScoredSample> samples, int k) =>
        Metrics.PassAtK.Estimate(samples.Count, samples.Count(s => s.Correct), k);

    /// <summary>1 when the <see cref="MajorityVote"/> winner among the first <paramref name="k"/> samples is correct, else 0.</summary>
    public static double MajAtK(IReadOnlyList<ScoredSample> samples, int k)
    {
        var firstK = samples.Take(k).ToList();
        var winner = MajorityVote.Winner(firstK);
        return winner >= 0 && firstK[winner].Correct ? 1.0 : 0.0;
    }

    /// <summary>Computes every metric over <paramref name="problems"/>.</summary>
    /// <param name="problems">Scored samples per problem; each needs at least k samples.</param>
    /// <param name="k">Samples per problem to use (k &gt;= 1).</param>
    /// <param name="lengthUnit">"tokens" or "characters", recorded in the summary.</param>
    /// <param name="seed">Bootstrap seed.</param>
    /// <param name="resamples">Bootstrap resamples.</param>
    /// <exception cref="ArgumentException">For no problems, k &lt; 1, or a problem with fewer than k samples (named).</exception>
    public static EvalSummary Summarize(IReadOnlyList<ProblemSamples> problems, int k, string lengthUnit, int seed = 0, int resamples = 1000)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0)
        {
            throw new ArgumentException("no problems to evaluate", nameof(problems));
        }
        if (k < 1)
        {
            throw new ArgumentException($"k must be at least 1, got {k}", nameof(k));
        }
        var shortOne = problems.FirstOrDefault(p => p.Samples.Count < k);
        if (shortOne is not null)
        {
            throw new ArgumentException($"problem '{shortOne.Id}' has {shortOne.Samples.Count} samples, fewer than k = {k}", nameof(problems));
        }
        var avg = problems.Select(p => AvgAtK(p.Samples, k)).ToArray();
        var pass = problems.Select(p => PassAtK(p.Samples, k)).ToArray();
        var maj = problems.Select(p => MajAtK(p.Samples, k)).ToArray();
        var all = problems.SelectMany(p => p.Samples).ToList();
        return new EvalSummary
        {
            K = k,
            Problems = problems.Count,
            AvgAtK = WithInterval(avg, seed, resamples),
            PassAtK = WithInterval(pass, seed, resamples),
            MajAtK = WithInterval(maj, seed, resamples),
            MeanResponseLength = all.Average(s => (double)s.Length),
            LengthUnit = lengthUnit,
            TruncationRate = all.Count(s => s.Truncated) / (double)all.Count,
            BootstrapSeed = seed,
            BootstrapResamples = resamples,
        };
    }

    private static MetricInterval WithInterval(double[] values, int seed, int resamples)
    {
        var (low, high) = Bootstrap.MeanInterval(values, seed, resamples);
        return new MetricInterval(values.Average(), low, high);
    }
}
