using System.Globalization;

namespace TbrmFlow.Tracking.Local;

/// <summary>Reads a run directory of the file-store layout (for sync and compare).</summary>
public static class LocalRunReader
{
    /// <summary>Reads the run in <paramref name="runDirectory"/>. A metric line cut short by a kill is ignored.</summary>
    public static StoredRun Read(string runDirectory)
    {
        var meta = MetaYaml.Read(Path.Combine(runDirectory, "meta.yaml"));
        return new StoredRun
        {
            RunId = meta["run_id"] ?? Path.GetFileName(runDirectory),
            ExperimentId = meta["experiment_id"] ?? "0",
            RunName = meta.GetValueOrDefault("run_name") ?? "",
            Status = (MlflowRunStatus)int.Parse(meta.GetValueOrDefault("status") ?? "1", CultureInfo.InvariantCulture),
            StartTime = long.Parse(meta.GetValueOrDefault("start_time") ?? "0", CultureInfo.InvariantCulture),
            EndTime = meta.GetValueOrDefault("end_time") is { } end ? long.Parse(end, CultureInfo.InvariantCulture) : null,
            Params = ReadValues(Path.Combine(runDirectory, "params")),
            Tags = ReadValues(Path.Combine(runDirectory, "tags")),
            Metrics = Files(Path.Combine(runDirectory, "metrics")).ToDictionary(
                f => f.Key, f => (IReadOnlyList<MetricPoint>)ReadMetric(f.Value), StringComparer.Ordinal),
        };
    }

    /// <summary>A metric file's values, one per step (the last logged: a replayed step replaces), in step order.
    /// A line cut short by a kill is ignored.</summary>
    public static List<MetricPoint> ReadMetric(string file) => MetricFile.LastPerStep(MetricFile.Read(file, out _));

    /// <summary>Parses a value as written by MLflow (<c>nan</c>, <c>inf</c>, <c>-inf</c> or a number).</summary>
    public static double ParseValue(string text) => text.ToLowerInvariant() switch
    {
        "nan" => double.NaN,
        "inf" or "infinity" => double.PositiveInfinity,
        "-inf" or "-infinity" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    /// <summary>Files under <paramref name="directory"/> keyed by their <c>/</c>-separated relative path.</summary>
    internal static Dictionary<string, string> Files(string directory) =>
        !Directory.Exists(directory)
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith(".tbrmflow-tmp-", StringComparison.Ordinal))
                .ToDictionary(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'), f => f, StringComparer.Ordinal);

    private static Dictionary<string, string> ReadValues(string directory) =>
        Files(directory).ToDictionary(f => f.Key, f => ReadShared(f.Value), StringComparer.Ordinal);

    private static string ReadShared(string file) => MetricFile.ReadShared(file);
}
