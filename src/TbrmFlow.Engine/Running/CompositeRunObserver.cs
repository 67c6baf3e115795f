namespace TbrmFlow.Engine.Running;

/// <summary>Forwards every event to several observers, in order.</summary>
/// <param name="observers">The observers.</param>
public sealed class CompositeRunObserver(params IRunObserver[] observers) : IRunObserver
{
    /// <inheritdoc />
    public void RunStarted(RunInfo run) => Each(o => o.RunStarted(run));

    /// <inheritdoc />
    public void StageStarted(StageInfo stage) => Each(o => o.StageStarted(stage));

    /// <inheritdoc />
    public void StageStateChanged(string stageId, StageStatus status, string? detail = null) => Each(o => o.StageStateChanged(stageId, status, detail));

    /// <inheritdoc />
    public void StageProgress(string stageId, long done, long total, string? message) => Each(o => o.StageProgress(stageId, done, total, message));

    /// <inheritdoc />
    public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics) => Each(o => o.StageMetrics(stageId, step, metrics));

    /// <inheritdoc />
    public void StageLog(string stageId, string message) => Each(o => o.StageLog(stageId, message));

    /// <inheritdoc />
    public void StageFinished(string stageId, StageResult result) => Each(o => o.StageFinished(stageId, result));

    /// <inheritdoc />
    public void RunFinished(RunInfo run, RunResult result) => Each(o => o.RunFinished(run, result));

    private void Each(Action<IRunObserver> action)
    {
        foreach (var observer in observers)
        {
            action(observer);
        }
    }
}
