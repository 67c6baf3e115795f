namespace TbrmFlow.Engine.Running;

/// <summary>
/// Receives what happens during a run: live display, MLflow tracking and the server's push updates
/// are observers. Stages may run concurrently, so implementations must be thread-safe.
/// </summary>
public interface IRunObserver
{
    /// <summary>A run started (or was resumed).</summary>
    void RunStarted(RunInfo run) { }

    /// <summary>A stage instance starts an attempt with these resolved inputs.</summary>
    void StageStarted(StageInfo stage) { }

    /// <summary>A stage instance changed state.</summary>
    void StageStateChanged(string stageId, StageStatus status, string? detail = null);

    /// <summary>A stage reported progress.</summary>
    void StageProgress(string stageId, long done, long total, string? message);

    /// <summary>A stage reported metrics.</summary>
    void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics);

    /// <summary>A stage logged a line.</summary>
    void StageLog(string stageId, string message);

    /// <summary>A stage instance reached a final state (succeeded, failed, cancelled, skipped, cached).</summary>
    void StageFinished(string stageId, StageResult result) { }

    /// <summary>The run ended.</summary>
    void RunFinished(RunInfo run, RunResult result) { }
}
