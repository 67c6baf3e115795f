namespace TbrmFlow.Engine.Running;

/// <summary>Receives what happens during a run (for live display and tracking).</summary>
public interface IRunObserver
{
    /// <summary>A stage instance changed state.</summary>
    void StageStateChanged(string stageId, StageStatus status, string? detail = null);

    /// <summary>A stage reported progress.</summary>
    void StageProgress(string stageId, long done, long total, string? message);

    /// <summary>A stage reported metrics.</summary>
    void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics);

    /// <summary>A stage logged a line.</summary>
    void StageLog(string stageId, string message);
}
