namespace TbrmFlow.Tracking.Compare;

/// <summary>
/// The direction of a metric from its name, the same for the web comparison and <c>tbrmflow compare</c>:
/// the last segment of the key that names a known kind decides (<c>eval/test/avg_1/evaluate.policy-sft</c>
/// is read as <c>avg_1</c>, past the stage suffix). The names follow TBRM.md's metric list.
/// </summary>
public static class MetricGoals
{
    private static readonly string[] Higher = ["reward", "accuracy", "acc", "avg@", "avg_", "pass@", "pass_", "maj@", "maj_", "score", "f1", "tokens_per_s", "win_rate", "correct"];
    private static readonly string[] Lower = ["loss", "kl", "error", "err", "perplexity", "ppl", "regret", "_s", "_ms", "seconds", "rss_mb", "memory", "mse", "mae"];

    /// <summary>The goal of <paramref name="key"/>; <see cref="MetricGoal.None"/> when the name does not say.</summary>
    public static MetricGoal Of(string key)
    {
        foreach (var segment in key.ToLowerInvariant().Split('/').Reverse())
        {
            if (Matches(segment, Higher))
            {
                return MetricGoal.Higher;
            }
            if (Matches(segment, Lower))
            {
                return MetricGoal.Lower;
            }
        }
        return MetricGoal.None;
    }

    /// <summary>The best of <paramref name="values"/> for <paramref name="goal"/> (finite values only); null when there is none or no goal.</summary>
    public static double? Best(MetricGoal goal, IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count == 0 || goal == MetricGoal.None ? null : goal == MetricGoal.Lower ? finite.Min() : finite.Max();
    }

    /// <summary>An arrow for tables and legends: ↓ lower is better, ↑ higher is better, nothing otherwise.</summary>
    public static string Arrow(MetricGoal goal) => goal switch { MetricGoal.Lower => "↓", MetricGoal.Higher => "↑", _ => "" };

    // A segment is a word match when it equals a name, starts with one (avg_1, pass@4) or ends with _name (train_loss, policy_kl).
    private static bool Matches(string segment, string[] names) =>
        names.Any(n => n.StartsWith('_') ? segment.EndsWith(n, StringComparison.Ordinal)
            : segment == n || (n.EndsWith('@') || n.EndsWith('_') ? segment.StartsWith(n, StringComparison.Ordinal) : segment.StartsWith(n + "_", StringComparison.Ordinal) || segment.EndsWith("_" + n, StringComparison.Ordinal)));
}
