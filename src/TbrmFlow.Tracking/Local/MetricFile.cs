using System.Globalization;
using System.Text;

namespace TbrmFlow.Tracking.Local;

/// <summary>
/// One metric's file in MLflow's layout: a line <c>timestamp value step</c> per logged value. A metric is keyed by
/// (run, key, step): when a file holds a step twice (written before replays replaced steps), the last line wins.
/// </summary>
public static class MetricFile
{
    /// <summary>The complete lines of <paramref name="file"/> as written, in file order;
    /// <paramref name="cut"/> tells whether the last line was cut short (by a kill or a full disk) and left out.</summary>
    public static List<MetricPoint> Read(string file, out bool cut)
    {
        var text = ReadShared(file);
        var complete = text.LastIndexOf('\n');
        cut = complete != text.Length - 1;
        var points = new List<MetricPoint>();
        if (complete < 0)
        {
            return points;
        }
        foreach (var line in text[..complete].Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }
            var parts = line.Split(' ');
            points.Add(new MetricPoint(
                long.Parse(parts[0], CultureInfo.InvariantCulture),
                LocalRunReader.ParseValue(parts[1]),
                parts.Length > 2 ? long.Parse(parts[2], CultureInfo.InvariantCulture) : 0));
        }
        return points;
    }

    /// <summary>One value per step, the last one logged for it, in step order.</summary>
    public static List<MetricPoint> LastPerStep(IEnumerable<MetricPoint> points)
    {
        var last = new Dictionary<long, MetricPoint>();
        foreach (var p in points)
        {
            last[p.Step] = p;
        }
        return [.. last.Values.OrderBy(p => p.Step)];
    }

    /// <summary>Lines that a later line at the same step replaces (0 in a file written by this version).</summary>
    public static int DuplicateSteps(IReadOnlyCollection<MetricPoint> points) => points.Count - points.Select(p => p.Step).Distinct().Count();

    /// <summary>The file's line for <paramref name="point"/> (MLflow writes values as Python's <c>str(float)</c>).</summary>
    public static string Line(MetricPoint point) =>
        string.Create(CultureInfo.InvariantCulture, $"{point.Timestamp} {LocalRun.FormatValue(point.Value)} {point.Step}\n");

    /// <summary>Replaces the file's content with <paramref name="points"/>, atomically (temporary file in
    /// <paramref name="tempDirectory"/>, which MLflow does not scan for metrics, then a rename).</summary>
    public static void Rewrite(string file, IEnumerable<MetricPoint> points, string tempDirectory)
    {
        var text = new StringBuilder();
        foreach (var p in points)
        {
            text.Append(Line(p));
        }
        AtomicFile.Write(file, text.ToString(), tempDirectory);
    }

    internal static string ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
