using TbrmFlow.Abstractions;

namespace TbrmFlow.Engine.Running;

/// <summary>The context one stage instance runs with; forwards reports to the run's observer.</summary>
internal sealed class StageContext(
    string runId, string stageId, int attempt, string stateDirectory, IArtifactStore artifacts, IRunObserver observer) : IActivityContext
{
    public IReadOnlyList<int> Devices { get; init; } = [];

    public string RunId => runId;
    public string StageId => stageId;
    public int Attempt => attempt;
    public string StateDirectory => stateDirectory;
    public IArtifactStore Artifacts => artifacts;

    /// <summary>The last value of every metric reported, for the run summary.</summary>
    public Dictionary<string, double> LastMetrics { get; } = new(StringComparer.Ordinal);

    public void ReportProgress(long done, long total, string? message = null) =>
        observer.StageProgress(stageId, done, total, message);

    public void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var (key, value) in metrics)
        {
            LastMetrics[key] = value;
        }
        observer.StageMetrics(stageId, step, metrics);
    }

    public void Log(string message) => observer.StageLog(stageId, message);
}
