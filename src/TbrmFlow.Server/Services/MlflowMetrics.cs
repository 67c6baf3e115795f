using TbrmFlow.Tracking;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Server.Services;

/// <summary>Reads a TbrmFlow run's metric history back from the MLflow file store (<c>mlruns/</c>) that runs write.</summary>
internal static class MlflowMetrics
{
    /// <summary>Points of the stage runs tagged with <paramref name="runId"/> (and <paramref name="instanceId"/> when given), by step within each key.</summary>
    public static IReadOnlyList<MetricPointDto> Read(string mlruns, string runId, string? instanceId, string? key)
    {
        if (!Directory.Exists(mlruns))
        {
            return [];
        }
        var result = new List<MetricPointDto>();
        foreach (var directory in new MlflowFileStore(mlruns).RunDirectories())
        {
            var tags = Path.Combine(directory, "tags");
            if (!TagIs(tags, MlflowTags.RunId, runId) || ReadTag(tags, MlflowTags.Stage) is not { } stage || (instanceId is not null && stage != instanceId))
            {
                continue;
            }
            var run = LocalRunReader.Read(directory);
            foreach (var (name, points) in run.Metrics.Where(m => key is null || m.Key == key).OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                result.AddRange(points.OrderBy(p => p.Step).ThenBy(p => p.Timestamp).Select(p => new MetricPointDto(stage, p.Step, name, p.Value)));
            }
        }
        return result;
    }

    // Only two small tag files are read per run directory: the whole run is read only when it matches.
    private static bool TagIs(string tags, string name, string value) => ReadTag(tags, name) == value;

    private static string? ReadTag(string tags, string name)
    {
        var file = Path.Combine(tags, name);
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }
}
