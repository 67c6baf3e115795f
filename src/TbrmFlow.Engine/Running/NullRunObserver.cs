namespace TbrmFlow.Engine.Running;

/// <summary>An observer that ignores everything.</summary>
public sealed class NullRunObserver : IRunObserver
{
    /// <summary>The shared instance.</summary>
    public static NullRunObserver Instance { get; } = new();

    /// <inheritdoc />
    public void StageStateChanged(string stageId, StageStatus status, string? detail = null) { }

    /// <inheritdoc />
    public void StageProgress(string stageId, long done, long total, string? message) { }

    /// <inheritdoc />
    public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics) { }

    /// <inheritdoc />
    public void StageLog(string stageId, string message) { }
}
