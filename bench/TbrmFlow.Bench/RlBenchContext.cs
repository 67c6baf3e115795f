using TbrmFlow.Abstractions;
using TbrmFlow.Engine.Artifacts;

namespace TbrmFlow.Bench;

/// <summary>An activity context for running RL handlers directly: artifacts on disk, step times recorded.</summary>
internal sealed class RlBenchContext(string root) : IActivityContext
{
    public string RunId => "bench";
    public string StageId => "rl";
    public int Attempt => 1;
    public string StateDirectory { get; } = Directory.CreateDirectory(Path.Combine(root, "state")).FullName;
    public IArtifactStore Artifacts { get; } = new LocalArtifactStore(Path.Combine(root, "artifacts"));
    public List<double> StepSeconds { get; } = [];

    /// <summary>Called after each training step's metrics with the step number.</summary>
    public Action<long>? OnStep { get; init; }

    public void ReportProgress(long done, long total, string? message = null)
    {
    }

    public void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics)
    {
        if (metrics.TryGetValue("perf/step_s", out var seconds))
        {
            StepSeconds.Add(seconds);
            OnStep?.Invoke(step);
        }
    }

    public void Log(string message)
    {
    }
}
