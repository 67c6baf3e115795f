using TbrmFlow.Server.Charts;
using TbrmFlow.Server.Components.Shared;
using TbrmFlow.Server.Services;
using TbrmFlow.Tracking.Compare;

namespace TbrmFlow.Server.Comparison;

/// <summary>
/// Runs side by side, as MLflow's compare view sets them: the params and stage inputs (which differ),
/// one chart per stage and metric with a line per run, and each metric's final value per run with the
/// best run picked by the metric's direction (<see cref="MetricGoals"/>: a loss is best lowest).
/// </summary>
public sealed class ComparisonModel
{
    private ComparisonModel(IReadOnlyList<ComparedRun> runs, IReadOnlyList<ValueRow> parameters, IReadOnlyList<ValueRow> inputs, IReadOnlyList<MetricGroup> charts, IReadOnlyList<MetricRow> metrics)
    {
        (Runs, Params, StageInputs, Charts, Metrics) = (runs, parameters, inputs, charts, metrics);
    }

    /// <summary>The runs, in the order asked.</summary>
    public IReadOnlyList<ComparedRun> Runs { get; }

    /// <summary>Workflow params (every key any run has).</summary>
    public IReadOnlyList<ValueRow> Params { get; }

    /// <summary>Resolved stage inputs, by stage instance.</summary>
    public IReadOnlyList<ValueRow> StageInputs { get; }

    /// <summary>Metrics reported at several steps: one chart per stage and metric, a line per run (and instance, for matrix stages).</summary>
    public IReadOnlyList<MetricGroup> Charts { get; }

    /// <summary>Every metric's final value per run, by stage instance.</summary>
    public IReadOnlyList<MetricRow> Metrics { get; }

    /// <summary>Every stage path that has a chart, in report order.</summary>
    public IReadOnlyList<string> Stages => [.. Charts.Select(c => c.Stage).Concat(Metrics.Select(m => RunStates.PathOf(m.Stage))).Distinct(StringComparer.Ordinal)];

    /// <summary>Builds the comparison.</summary>
    /// <param name="runs">Per run: its summary, values and metric history.</param>
    public static ComparisonModel Build(IReadOnlyList<(RunSummaryDto Summary, RunValuesDto Values, IReadOnlyList<MetricPointDto> Points)> runs)
    {
        var labels = RunLabels.For([.. runs.Select(r => (r.Summary.Id, r.Summary.Workflow, r.Values.Params))]);
        var compared = runs.Select((r, i) => new ComparedRun(r.Summary, labels[i], ChartColours.At(i), r.Values)).ToList();

        var parameters = Rows("", [.. runs.Select(r => r.Values.Params)]);
        var inputs = runs.SelectMany(r => r.Values.StageInputs.Keys).Distinct(StringComparer.Ordinal)
            .SelectMany(stage => Rows(stage, [.. runs.Select(r => r.Values.StageInputs.GetValueOrDefault(stage) ?? new Dictionary<string, string>())])).ToList();

        // A run's line is named by the run; a stage with several instances (matrix cells, iterations) adds the instance.
        var tagged = runs.SelectMany((r, i) =>
        {
            var multi = r.Points.GroupBy(p => RunStates.PathOf(p.InstanceId)).Where(g => g.Select(p => p.InstanceId).Distinct().Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
            return r.Points.Select(p => multi.Contains(RunStates.PathOf(p.InstanceId))
                ? ($"{labels[i]} · {p.InstanceId}", (string?)null, p)
                : (labels[i], compared[i].Colour, p));
        });
        var charts = MetricGroups.Of(tagged).Where(g => g.IsCurve).ToList();

        var keys = runs.SelectMany(r => r.Points.Select(p => (p.InstanceId, p.Key))).Distinct().ToList();
        var lasts = runs.Select(r => r.Points.GroupBy(p => (p.InstanceId, p.Key))
            .ToDictionary(g => g.Key, g => (Value: g.MaxBy(p => p.Step)!.Value, Steps: g.Select(p => p.Step).Distinct().Count()))).ToList();
        var metrics = keys.Select(k => new MetricRow(k.InstanceId, k.Key, MetricGoals.Of(k.Key),
            [.. lasts.Select(l => l.TryGetValue(k, out var v) ? v.Value : (double?)null)],
            [.. lasts.Select(l => l.TryGetValue(k, out var v) ? v.Steps : 0)])).ToList();
        return new ComparisonModel(compared, parameters, inputs, charts, metrics);
    }

    private static List<ValueRow> Rows(string group, IReadOnlyList<IReadOnlyDictionary<string, string>> perRun) =>
        [.. perRun.SelectMany(p => p.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(k => new ValueRow(group, k, [.. perRun.Select(p => p.GetValueOrDefault(k))]))];
}
