using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Compare;

/// <summary>A PNG line chart of one metric over steps, one line per run (ScottPlot).</summary>
public static class MetricChart
{
    /// <summary>Renders <paramref name="metric"/> of every run that has it; false when none has.</summary>
    public static bool Render(IEnumerable<StoredRun> runs, string metric, string pngPath, int width = 900, int height = 500)
    {
        var plot = new ScottPlot.Plot();
        var any = false;
        foreach (var run in runs)
        {
            if (!run.Metrics.TryGetValue(metric, out var points) || points.Count == 0)
            {
                continue;
            }
            var ordered = points.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ToArray();
            var line = plot.Add.Scatter(ordered.Select(p => (double)p.Step).ToArray(), ordered.Select(p => p.Value).ToArray());
            line.LegendText = run.RunName;
            line.MarkerSize = ordered.Length > 50 ? 0 : 5;
            any = true;
        }
        if (!any)
        {
            return false;
        }
        plot.Title(metric);
        plot.XLabel("step");
        plot.YLabel(metric);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(pngPath, width, height);
        return true;
    }
}
