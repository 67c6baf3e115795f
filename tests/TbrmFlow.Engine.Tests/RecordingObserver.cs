using System.Collections.Concurrent;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Tests;

/// <summary>Records events; <see cref="OnStarted"/> lets a test act when an attempt starts.</summary>
public sealed class RecordingObserver : IRunObserver
{
    public ConcurrentQueue<string> Events { get; } = new();

    public Action<StageInfo>? OnStarted { get; init; }

    public void StageStarted(StageInfo stage)
    {
        Events.Enqueue($"started {stage.StageId} #{stage.Attempt}");
        OnStarted?.Invoke(stage);
    }

    public void StageStateChanged(string stageId, StageStatus status, string? detail = null) =>
        Events.Enqueue($"{status.ToString().ToLowerInvariant()} {stageId}");

    public void StageProgress(string stageId, long done, long total, string? message) => Events.Enqueue($"progress {stageId} {done}/{total}");

    public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics) { }

    public void StageLog(string stageId, string message) => Events.Enqueue($"log {stageId} {message}");
}
