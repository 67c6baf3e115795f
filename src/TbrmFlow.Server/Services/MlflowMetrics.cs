using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Server.Services;

/// <summary>Reads a TbrmFlow run's metric history back from the MLflow file store (<c>mlruns/</c>) that runs write.</summary>
internal static class MlflowMetrics
{
    /// <summary>Points of the stage runs tagged with <paramref name="runId"/> (and <paramref name="instanceId"/> when given), by step within each key.</summary>
    public static IReadOnlyList<MetricPointDto> Read(string mlruns, string runId, string? instanceId, string? key)
    {
        var result = new List<MetricPointDto>();
        foreach (var (stage, directory) in MlflowRunDirectories.Find(mlruns, runId).Stages.Where(s => instanceId is null || s.Key == instanceId))
        {
            var run = LocalRunReader.Read(directory);
            foreach (var (name, points) in run.Metrics.Where(m => key is null || m.Key == key).OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                result.AddRange(points.OrderBy(p => p.Step).ThenBy(p => p.Timestamp).Select(p => new MetricPointDto(stage, p.Step, name, p.Value)));
            }
        }
        return result;
    }
}
