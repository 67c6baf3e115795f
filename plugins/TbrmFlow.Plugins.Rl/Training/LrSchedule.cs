namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>Learning-rate multipliers: linear warm-up, then constant or cosine decay to <c>min_ratio</c>.</summary>
public static class LrSchedule
{
    /// <summary>Valid schedule names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["constant", "cosine"];

    /// <summary>
    /// The multiplier for optimiser step <paramref name="step"/> (1-based) of <paramref name="total"/>.
    /// Warm-up: <c>step / warmup</c> for step &lt;= warmup. Cosine: <c>min + (1 - min) (1 + cos(pi p)) / 2</c>
    /// with p the progress after warm-up.
    /// </summary>
    /// <exception cref="ArgumentException">For an unknown schedule, listing the valid ones.</exception>
    public static double Factor(string schedule, long step, long total, long warmup, double minRatio = 0.1)
    {
        if (warmup > 0 && step <= warmup)
        {
            return (double)step / warmup;
        }
        return schedule switch
        {
            "constant" => 1.0,
            "cosine" => Cosine(step, total, warmup, minRatio),
            _ => throw new ArgumentException($"schedule '{schedule}' is not one of: {string.Join(", ", Names)}"),
        };
    }

    private static double Cosine(long step, long total, long warmup, double minRatio)
    {
        var span = Math.Max(1, total - warmup);
        var progress = Math.Clamp((double)(step - warmup) / span, 0.0, 1.0);
        return minRatio + ((1 - minRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
