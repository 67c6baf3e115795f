using TbrmFlow.Tracking.Compare;

namespace TbrmFlow.Server.Charts;

/// <summary>One metric of one stage, as one chart (a curve over steps) or one row of values (a single step).</summary>
/// <param name="Stage">The stage's graph path (<c>evaluate</c> for every <c>evaluate[policy=…]</c> cell).</param>
/// <param name="Key">The metric name.</param>
/// <param name="Series">One line per series (a stage instance, or a run's instance when comparing), in step order.</param>
public sealed record MetricGroup(string Stage, string Key, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>Which way the metric improves (<see cref="MetricGoals"/>).</summary>
    public MetricGoal Goal => MetricGoals.Of(Key);

    /// <summary>True when some series has values at two or more steps (a chart); otherwise the values are a table row or bars.</summary>
    public bool IsCurve => Series.Any(s => s.Points.Select(p => p.X).Distinct().Count() > 1);

    /// <summary><c>stage · key ↓</c>.</summary>
    public string Title => $"{Stage} · {Key} {MetricGoals.Arrow(Goal)}".TrimEnd();
}
