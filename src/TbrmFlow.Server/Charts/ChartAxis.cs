using System.Globalization;

namespace TbrmFlow.Server.Charts;

/// <summary>
/// One axis of a chart: the data range (in log10 space for a log axis), round tick values inside it,
/// and the mapping to pixels.
/// </summary>
/// <param name="Min">Lower end (log10 of it on a log axis).</param>
/// <param name="Max">Upper end (log10 of it on a log axis).</param>
/// <param name="Log">True for a log10 axis.</param>
public sealed record ChartAxis(double Min, double Max, bool Log)
{
    /// <summary>
    /// The axis for <paramref name="values"/>: linear with 4% padding (a flat series gets a band around
    /// its value), or log10 over the positive values. Null when nothing can be drawn.
    /// </summary>
    public static ChartAxis? For(IEnumerable<double> values, bool log, bool pad = true)
    {
        var usable = values.Where(v => double.IsFinite(v) && (!log || v > 0)).Select(v => log ? Math.Log10(v) : v).ToList();
        if (usable.Count == 0)
        {
            return null;
        }
        var (min, max) = (usable.Min(), usable.Max());
        if (max - min < 1e-12)
        {
            var band = log ? 0.5 : Math.Max(Math.Abs(min) * 0.1, 0.5);
            return new ChartAxis(min - band, max + band, log);
        }
        var padding = pad ? (max - min) * 0.04 : 0;
        return new ChartAxis(min - padding, max + padding, log);
    }

    /// <summary>Where <paramref name="value"/> (a data value, not its log) falls, 0 at <see cref="Min"/> and 1 at <see cref="Max"/>.</summary>
    public double Fraction(double value) => ((Log ? Math.Log10(value) : value) - Min) / (Max - Min);

    /// <summary>Round tick values (data values) inside the range: about five on a linear axis; 1, 2, 5 × 10^n on a log axis.</summary>
    public IReadOnlyList<double> Ticks() => Log ? LogTicks(Min, Max) : LinearTicks(Min, Max);

    /// <summary>About five round values in [lo, hi] (steps of 1, 2 or 5 × 10^n).</summary>
    public static IReadOnlyList<double> LinearTicks(double lo, double hi)
    {
        var result = new List<double>();
        if (!(hi > lo))
        {
            return result;
        }
        var step = Math.Pow(10, Math.Floor(Math.Log10((hi - lo) / 5)));
        foreach (var m in (double[])[1, 2, 5, 10])
        {
            if ((hi - lo) / (step * m) <= 6)
            {
                step *= m;
                break;
            }
        }
        for (var i = Math.Ceiling(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++)
        {
            result.Add(Math.Round(i * step, 10));
        }
        return result;
    }

    /// <summary>
    /// Ticks of a log axis over [10^lo, 10^hi]: powers of ten over many decades, 1, 2 and 5 × 10^n over a
    /// few, and round linear steps when the range is under a decade (where a log axis looks linear).
    /// </summary>
    public static IReadOnlyList<double> LogTicks(double lo, double hi)
    {
        var decades = hi - lo;
        if (decades < 0.7)
        {
            return [.. LinearTicks(Math.Pow(10, lo), Math.Pow(10, hi)).Where(t => t > 0)];
        }
        double[] multiples = decades > 4 ? [1] : [1, 2, 5];
        var result = new List<double>();
        for (var exponent = (int)Math.Floor(lo); exponent <= (int)Math.Ceiling(hi); exponent++)
        {
            foreach (var m in multiples)
            {
                var value = m * Math.Pow(10, exponent);
                var position = Math.Log10(value);
                if (position >= lo - 1e-9 && position <= hi + 1e-9)
                {
                    result.Add(value);
                }
            }
        }
        var every = (int)Math.Ceiling(result.Count / 7.0);
        return every <= 1 ? result : [.. result.Where((_, i) => i % every == 0)];
    }

    /// <summary>A short label: 4 significant digits, exponent form for very small or large values (<c>1.2e-05</c>).</summary>
    public static string Label(double value)
    {
        var abs = Math.Abs(value);
        if (abs == 0)
        {
            return "0";
        }
        return abs >= 1e6 || abs < 1e-3
            ? value.ToString("0.##e+0", CultureInfo.InvariantCulture)
            : value.ToString("G4", CultureInfo.InvariantCulture);
    }
}
