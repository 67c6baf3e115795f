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
        if (values.Count == 0)
        {
            throw new ArgumentException("bootstrap needs at least one value", nameof(values));
        }
        if (resamples < 40)
        {
            throw new ArgumentException($"bootstrap needs at least 40 resamples, got {resamples}", nameof(resamples));
        }
        var random = new Random(seed);
        var means = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < values.Count; i++)
            {
                sum += values[random.Next(values.Count)];
            }
            means[b] = sum / values.Count;
        }
        Array.Sort(means);
        return (means[(int)Math.Floor(0.025 * resamples)], means[(int)Math.Ceiling(0.975 * resamples) - 1]);
    }
}
