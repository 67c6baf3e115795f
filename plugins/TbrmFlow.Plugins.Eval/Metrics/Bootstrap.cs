namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>Percentile bootstrap of a mean over problems, reproducible with a seed.</summary>
public static class Bootstrap
{
    /// <summary>
    /// Draws <paramref name="resamples"/> samples of <c>values.Count</c> problems with replacement
    /// (<see cref="Random"/> seeded with <paramref name="seed"/>), takes each mean, and returns the
    /// 2.5th and 97.5th percentiles (sorted means at indices floor(0.025 B) and ceil(0.975 B) - 1).
    /// </summary>
    /// <exception cref="ArgumentException">For no values or fewer than 40 resamples.</exception>
    public static (double Low, double High) MeanInterval(IReadOnlyList<double> values, int seed, int resamples = 1000)
    {
        ArgumentNullException.ThrowIfNull(values);
        return MeanIntervals([values], seed, resamples)[0];
    }

    /// <summary>
    /// <see cref="MeanInterval"/> for several per-problem series of equal length at once, sharing the
    /// resampled indices (each result equals <see cref="MeanInterval"/> of that series with the same seed).
    /// </summary>
    /// <exception cref="ArgumentException">For no values, series of different lengths, or fewer than 40 resamples.</exception>
    public static (double Low, double High)[] MeanIntervals(IReadOnlyList<IReadOnlyList<double>> series, int seed, int resamples = 1000)
    {
        ArgumentNullException.ThrowIfNull(series);
        var n = series.Count == 0 ? 0 : series[0].Count;
        if (n == 0 || series.Any(s => s.Count != n))
        {
            throw new ArgumentException("bootstrap needs at least one value, and series of equal length", nameof(series));
        }
        if (resamples < 40)
        {
            throw new ArgumentException($"bootstrap needs at least 40 resamples, got {resamples}", nameof(resamples));
        }
        var random = new Random(seed);
        var means = new double[series.Count][];
        for (var m = 0; m < series.Count; m++)
        {
            means[m] = new double[resamples];
        }
        var sums = new double[series.Count];
        for (var b = 0; b < resamples; b++)
        {
            Array.Clear(sums);
            for (var i = 0; i < n; i++)
            {
                var j = random.Next(n);
                for (var m = 0; m < series.Count; m++)
                {
                    sums[m] += series[m][j];
                }
            }
            for (var m = 0; m < series.Count; m++)
            {
                means[m][b] = sums[m] / n;
            }
        }
        return [.. means.Select(sorted =>
        {
            Array.Sort(sorted);
            return (sorted[(int)Math.Floor(0.025 * resamples)], sorted[(int)Math.Ceiling(0.975 * resamples) - 1]);
        })];
    }
}
