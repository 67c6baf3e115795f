using TbrmFlow.Tracking.Compare;

namespace TbrmFlow.Server.Comparison;

/// <summary>A metric's final value in each compared run, and which run is best by the metric's direction.</summary>
/// <param name="Stage">The stage path.</param>
/// <param name="Key">The metric.</param>
/// <param name="Goal">Which way it improves.</param>
/// <param name="Values">Per run: the value at its last step (the mean over instances when a stage has several), or null.</param>
/// <param name="Steps">Per run: the number of steps it was reported at.</param>
public sealed record MetricRow(string Stage, string Key, MetricGoal Goal, IReadOnlyList<double?> Values, IReadOnlyList<int> Steps)
{
    /// <summary>The index of the best run (lowest for ↓, highest for ↑); null without a goal or with fewer than two values.</summary>
    public int? Best
    {
        get
        {
            var present = Values.Select((v, i) => (v, i)).Where(p => p.v is { } d && double.IsFinite(d)).ToList();
            if (Goal == MetricGoal.None || present.Count < 2 || present.Select(p => p.v).Distinct().Count() < 2)
            {
                return null;
            }
            return Goal == MetricGoal.Lower ? present.MinBy(p => p.v)!.i : present.MaxBy(p => p.v)!.i;
        }
    }

    /// <summary>True when every run reported it at one step at most (evaluation results, sizes): shown as bars, not a chart.</summary>
    public bool IsSingle => Steps.All(s => s <= 1);
}
