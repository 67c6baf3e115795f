using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Compare;

/// <summary>
/// A PNG of one metric over steps (ScottPlot): one panel per stage, each with its own y axis (an SFT
/// loss near 0.1 and a TBRM loss near 60 never share one), and a legend naming every line.
/// </summary>
public static class MetricChart
{
    /// <summary>Height of one panel in pixels.</summary>
    public const int PanelHeight = 300;

    /// <summary>Renders <paramref name="panels"/> stacked (panels without points are left out); false when none has a point.</summary>
    public static bool Render(IReadOnlyList<ChartPanel> panels, string pngPath, int width = 900)
    {
        var drawn = panels.Where(p => p.Lines.Any(l => l.Points.Any(q => double.IsFinite(q.Value)))).ToList();
        if (drawn.Count == 0)
        {
            return false;
        }
        // ScottPlot's multiplot stacks its plots in rows by default.
        var multiplot = new ScottPlot.Multiplot();
        ScottPlot.IMultiplotExtensions.Reset(multiplot, Plot(drawn[0]));
        foreach (var panel in drawn.Skip(1))
        {
            ScottPlot.IMultiplotExtensions.AddPlot(multiplot, Plot(panel));
        }
        ScottPlot.IMultiplotExtensions.SavePng(multiplot, pngPath, width, PanelHeight * drawn.Count);
        return true;
    }

    /// <summary>One panel per stage run that has <paramref name="metric"/>, one line each: the chart a workflow run's MLflow record carries.</summary>
    public static IReadOnlyList<ChartPanel> PerStage(IEnumerable<StoredRun> stageRuns, string metric) =>
        [.. stageRuns.Where(r => r.Metrics.ContainsKey(metric))
            .Select((r, i) => new ChartPanel(Title(r.RunName, metric), [new ChartLine(r.RunName, i, r.Metrics[metric])]))];

    /// <summary><c>stage · metric ↓</c>, the arrow from <see cref="MetricGoals"/>.</summary>
    public static string Title(string stage, string metric) => $"{stage} · {metric} {MetricGoals.Arrow(MetricGoals.Of(metric))}".TrimEnd();

    private static ScottPlot.Plot Plot(ChartPanel panel)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var line in panel.Lines)
        {
            var ordered = line.Points.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ToArray();
            if (ordered.Length == 0)
            {
                continue;
            }
            var scatter = plot.Add.Scatter(ordered.Select(p => (double)p.Step).ToArray(), ordered.Select(p => p.Value).ToArray());
            scatter.LegendText = line.Label;
            scatter.Color = palette.GetColor(line.Colour);
            scatter.LineWidth = 2;
            scatter.MarkerSize = ordered.Length > 50 ? 0 : 5;
        }
        plot.Title(panel.Title);
        plot.XLabel("step");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
