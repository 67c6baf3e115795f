using System.Globalization;
using TbrmFlow.Tracking.Compare;

namespace TbrmFlow.Server.Charts;

/// <summary>
/// The geometry of a line chart, computed once per render: plot area, axes, ticks, and each series as
/// SVG points (raw and, with smoothing, the EMA line over it). The numbers the browser's hover reads
/// (<c>charts.js</c>) are the series' data values, not pixels.
/// </summary>
public sealed class ChartModel
{
    /// <summary>Points drawn per series at most (evenly thinned, last point kept); hover reads the same points.</summary>
    public const int MaxPoints = 2000;

    private ChartModel(int width, int height, double left, ChartAxis x, ChartAxis y, IReadOnlyList<Line> lines, int hidden)
    {
        (Width, Height, Left, X, Y, Lines, Hidden) = (width, height, left, x, y, lines, hidden);
    }

    /// <summary>Whole width in pixels.</summary>
    public int Width { get; }

    /// <summary>Whole height in pixels.</summary>
    public int Height { get; }

    /// <summary>Left edge of the plot area (room for the y tick labels).</summary>
    public double Left { get; }

    /// <summary>Right edge of the plot area.</summary>
    public double Right => Width - 22;

    /// <summary>Top edge of the plot area.</summary>
    public double Top => 10;

    /// <summary>Bottom edge of the plot area (room for the x tick labels and title).</summary>
    public double Bottom => Height - 38;

    /// <summary>The x axis (steps).</summary>
    public ChartAxis X { get; }

    /// <summary>The y axis.</summary>
    public ChartAxis Y { get; }

    /// <summary>The series as drawn.</summary>
    public IReadOnlyList<Line> Lines { get; }

    /// <summary>Values not drawn: non-finite ones, and zero or negative ones on a log axis.</summary>
    public int Hidden { get; }

    /// <summary>A series as drawn.</summary>
    /// <param name="Name">Legend text.</param>
    /// <param name="Colour">Its colour.</param>
    /// <param name="Points">Drawn data points (x, raw y, shown y: smoothed or raw).</param>
    /// <param name="Raw">SVG points of the raw values.</param>
    /// <param name="Smoothed">SVG points of the smoothed values, or null without smoothing.</param>
    public sealed record Line(string Name, string Colour, IReadOnlyList<(double X, double Y, double Shown)> Points, string Raw, string? Smoothed);

    /// <summary>Lays out <paramref name="series"/>; null when no series has a drawable value.</summary>
    public static ChartModel? Build(IReadOnlyList<ChartSeries> series, int width, int height, bool logY, double smoothing)
    {
        var hidden = 0;
        var prepared = new List<(ChartSeries Series, string Colour, List<(double X, double Y, double Shown)> Points)>();
        for (var i = 0; i < series.Count; i++)
        {
            var usable = series[i].Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!logY || p.Y > 0)).ToList();
            hidden += series[i].Points.Count - usable.Count;
            var thinned = Thin(usable);
            var shown = Smoothing.Ema([.. thinned.Select(p => p.Y)], smoothing);
            prepared.Add((series[i], series[i].Colour ?? ChartColours.At(i), [.. thinned.Select((p, j) => (p.X, p.Y, shown[j]))]));
        }
        var all = prepared.SelectMany(p => p.Points).ToList();
        var x = ChartAxis.For(all.Select(p => p.X), log: false, pad: false);
        var y = ChartAxis.For(all.Select(p => p.Y), logY);
        if (x is null || y is null)
        {
            return null;
        }
        var widest = y.Ticks().Select(t => ChartAxis.Label(t).Length).DefaultIfEmpty(3).Max();
        var model = new ChartModel(width, height, 14 + 7 * widest, x, y, [], hidden);
        var lines = prepared.Select(p => new Line(p.Series.Name, p.Colour, p.Points,
            model.Path(p.Points.Select(q => (q.X, q.Y))),
            smoothing > 0 ? model.Path(p.Points.Select(q => (q.X, q.Shown))) : null)).ToList();
        return new ChartModel(width, height, model.Left, x, y, lines, hidden);
    }

    /// <summary>Pixel x of a step.</summary>
    public double Px(double x) => Left + (Right - Left) * X.Fraction(x);

    /// <summary>Pixel y of a value.</summary>
    public double Py(double y) => Bottom - (Bottom - Top) * Y.Fraction(y);

    /// <summary>A number for an SVG attribute.</summary>
    public static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Numbers for a data attribute (the hover reads them), shortest round-trip form.</summary>
    public static string Data(IEnumerable<double> values) => string.Join(',', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private string Path(IEnumerable<(double X, double Y)> points) => string.Join(' ', points.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"));

    private static List<(double X, double Y)> Thin(List<(double X, double Y)> points)
    {
        if (points.Count <= MaxPoints)
        {
            return points;
        }
        var stride = (double)(points.Count - 1) / (MaxPoints - 1);
        return [.. Enumerable.Range(0, MaxPoints).Select(i => points[(int)Math.Round(i * stride)])];
    }
}
