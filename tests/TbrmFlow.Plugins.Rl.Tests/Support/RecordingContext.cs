using TbrmFlow.Abstractions;
using TbrmFlow.Engine.Artifacts;

namespace TbrmFlow.Plugins.Rl.Tests.Support;

/// <summary>A real activity context for handler tests: a LocalArtifactStore and a state directory on disk; metrics and logs are recorded.</summary>
internal class RecordingContext(string root, string stageId = "stage") : IActivityContext
{
    public string RunId => "test-run";
    public string StageId => stageId;
    public int Attempt { get; init; } = 1;
    public string StateDirectory { get; } = Directory.CreateDirectory(Path.Combine(root, "state", stageId)).FullName;
    public IArtifactStore Artifacts { get; } = new LocalArtifactStore(Path.Combine(root, "artifacts"));
    public List<(long Step, IReadOnlyDictionary<string, double> Metrics)> Metrics { get; } = [];
    public List<string> Logs { get; } = [];

    public void ReportProgress(long done, long total, string? message = null)
    {
    }

    public virtual void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics) => Metrics.Add((step, metrics));

    public void Log(string message) => Logs.Add(message);

    /// <summary>Runs <paramref name="action"/> with this context as the current one.</summary>
    public async Task<T> Run<T>(Func<IActivityContextAccessor, ValueTask<T>> action)
    {
        using (ActivityContextAccessor.Enter(this))
        {
            return await action(new ActivityContextAccessor());
        }
    }
}

/// <summary>Throws OperationCanceledException when metrics of a given step arrive: an interruption on demand.</summary>
internal sealed class FaultInjectingContext(string root, long failAtStep, string stageId = "stage") : RecordingContext(root, stageId)
{
    public override void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics)
    {
        base.LogMetrics(step, metrics);
        if (step == failAtStep)
        {
            throw new OperationCanceledException($"injected interruption at step {step}");
        }
    }
}
