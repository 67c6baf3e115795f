using TbrmFlow.Server.Components.Shared;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Charts;

/// <summary>
/// Splits metric points into charts: one per stage and metric, never one axis for two stages (an SFT
/// loss near 0.1 and a TBRM loss near 60 get their own charts), with one series per stage instance.
/// </summary>
public static class MetricGroups
{
    /// <summary>The groups of <paramref name="points"/>, by stage in first-report order, then by key.</summary>
    /// <param name="points">Points with the name and colour of the series each belongs to.</param>
    public static IReadOnlyList<MetricGroup> Of(IEnumerable<(string Series, string? Colour, MetricPointDto Point)> points)
    {
        var list = points.ToList();
        var stageOrder = list.Select(p => RunStates.PathOf(p.Point.InstanceId)).Distinct(StringComparer.Ordinal).ToList();
        return [.. list.GroupBy(p => (Stage: RunStates.PathOf(p.Point.InstanceId), p.Point.Key))
            .OrderBy(g => stageOrder.IndexOf(g.Key.Stage)).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => new MetricGroup(g.Key.Stage, g.Key.Key, [.. g.GroupBy(p => (p.Series, p.Colour))
                .Select(s => new ChartSeries(s.Key.Series, [.. s.Select(p => ((double)p.Point.Step, p.Point.Value)).OrderBy(p => p.Item1)], s.Key.Colour))]))];
    }

    /// <summary>Groups of one run: one series per stage instance (named by it).</summary>
    public static IReadOnlyList<MetricGroup> OfRun(IEnumerable<MetricPointDto> points) =>
        Of(points.Select(p => (p.InstanceId, (string?)null, p)));

    /// <summary>
    /// The chart that stands for each stage: the first of <see cref="RunStates.MainMetrics"/> it draws as a
    /// curve, else its first curve that is not a <c>perf/</c> timing.
    /// </summary>
    public static IReadOnlyList<MetricGroup> Headline(IReadOnlyList<MetricGroup> groups) =>
        [.. groups.Where(g => g.IsCurve).GroupBy(g => g.Stage)
            .Select(stage => RunStates.MainMetrics.Select(k => stage.FirstOrDefault(g => g.Key == k)).FirstOrDefault(g => g is not null)
                ?? stage.FirstOrDefault(g => !g.Key.StartsWith("perf/", StringComparison.Ordinal)))
            .OfType<MetricGroup>()];
}
