using System.Collections.Concurrent;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Server.Services;

/// <summary>
/// A run this server started or resumed: the engine's observer for it. Keeps what the run store
/// does not (progress, metric history, the recent log lines) and turns every event into a <see cref="RunEventDto"/>.
/// </summary>
internal sealed class LiveRun(Action<RunEventDto> publish, Action<LiveRun> registered) : IRunObserver
{
    /// <summary>Metric points kept per run; older points are then read from the MLflow store.</summary>
    public const int MaxMetricPoints = 200_000;

    /// <summary>Log lines kept in memory per stage instance (the log file keeps all).</summary>
    public const int MaxLogLines = 5_000;

    private readonly ConcurrentDictionary<string, LiveStage> _stages = new(StringComparer.Ordinal);
    private readonly List<MetricPointDto> _metrics = [];
    private readonly Lock _gate = new();
    private string? _runId;

    /// <summary>Completes with the run id once the engine has recorded the run; faults when it could not start.</summary>
    public TaskCompletionSource<string> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Cancels the run.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>The background task running the workflow.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>True once the engine returned (or failed to start).</summary>
    public bool IsDone { get; private set; }

    /// <summary>True once the engine reported the end of the run (the store has its final status); closing work may still run.</summary>
    public bool HasEnded => IsDone || Volatile.Read(ref _ended);

    private bool _ended;

    /// <summary>When it ended.</summary>
    public DateTime? DoneAt { get; private set; }

    /// <summary>The run id (null until started).</summary>
    public string? RunId => _runId;

    /// <summary>Live state of a stage instance, or null.</summary>
    public LiveStage? Stage(string instanceId) => _stages.GetValueOrDefault(instanceId);

    /// <summary>Every stage instance seen so far.</summary>
    public IReadOnlyCollection<KeyValuePair<string, LiveStage>> Stages => _stages.ToArray();

    /// <summary>Metric history filtered by instance and key.</summary>
    public List<MetricPointDto> Metrics(string? instanceId, string? key)
    {
        lock (_gate)
        {
            return _metrics.Where(m => (instanceId is null || m.InstanceId == instanceId) && (key is null || m.Key == key)).ToList();
        }
    }

    /// <summary>True when the in-memory history was cut (the MLflow store has all of it).</summary>
    public bool MetricsTruncated { get; private set; }

    /// <summary>Marks the run as ended.</summary>
    public void MarkDone()
    {
        DoneAt = DateTime.UtcNow;
        IsDone = true;
    }

    /// <inheritdoc />
    public void RunStarted(RunInfo run)
    {
        _runId = run.RunId;
        registered(this);
        Started.TrySetResult(run.RunId);
        Publish(RunEventKind.RunStarted, null, Lifecycle.Name(RunStatus.Running), run.Resumed ? "resumed" : null);
    }

    /// <inheritdoc />
    public void StageStarted(StageInfo stage)
    {
        var live = StageOf(stage.StageId);
        live.Activity = stage.Activity;
        live.Attempt = stage.Attempt;
    }

    /// <inheritdoc />
    public void StageStateChanged(string stageId, StageStatus status, string? detail = null)
    {
        var state = Lifecycle.Name(status);
        StageOf(stageId).Status = state;
        Publish(RunEventKind.StageState, stageId, state, detail);
    }

    /// <inheritdoc />
    public void StageProgress(string stageId, long done, long total, string? message)
    {
        var progress = new ProgressDto(done, total, message);
        StageOf(stageId).Progress = progress;
        Publish(RunEventKind.StageProgress, stageId, null, message, progress: progress);
    }

    /// <inheritdoc />
    public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics)
    {
        var stage = StageOf(stageId);
        lock (_gate)
        {
            foreach (var (key, value) in metrics)
            {
                stage.LastMetrics[key] = value;
                if (_metrics.Count >= MaxMetricPoints)
                {
                    MetricsTruncated = true;
                    continue;
                }
                _metrics.Add(new MetricPointDto(stageId, step, key, value));
            }
        }
        Publish(RunEventKind.StageMetrics, stageId, null, null, step: step, metrics: new Dictionary<string, double>(metrics));
    }

    /// <inheritdoc />
    /// <remarks>Log lines arrive through <see cref="AppendLog"/> (from the run's <see cref="StageLogWriter"/>), with the state and progress lines.</remarks>
    public void StageLog(string stageId, string message)
    {
    }

    /// <summary>Keeps a line of a stage's log (already in its file) and pushes it to subscribers.</summary>
    public void AppendLog(string instanceId, StageLogLine line)
    {
        var stage = StageOf(instanceId);
        lock (stage.Logs)
        {
            stage.Logs.Add(line);
            if (stage.Logs.Count > MaxLogLines)
            {
                stage.Logs.RemoveRange(0, stage.Logs.Count - MaxLogLines);
            }
        }
        Publish(RunEventKind.StageLog, instanceId, null, line.Text);
    }

    /// <inheritdoc />
    public void StageFinished(string stageId, StageResult result)
    {
        var stage = StageOf(stageId);
        stage.Status = Lifecycle.Name(result.Status);
        stage.Result = result;
    }

    /// <inheritdoc />
    public void RunFinished(RunInfo run, RunResult result)
    {
        Volatile.Write(ref _ended, true);
        Publish(RunEventKind.RunFinished, null, Lifecycle.Name(result.Status), null);
    }

    private LiveStage StageOf(string instanceId) => _stages.GetOrAdd(instanceId, _ => new LiveStage());

    private void Publish(RunEventKind kind, string? instanceId, string? status, string? message, ProgressDto? progress = null, long? step = null, IReadOnlyDictionary<string, double>? metrics = null)
    {
        if (_runId is { } id)
        {
            publish(new RunEventDto(kind, id, instanceId, status, message, progress, step, metrics, DateTime.UtcNow));
        }
    }
}

/// <summary>What the server knows about a stage instance of a live run beyond the run store.</summary>
internal sealed class LiveStage
{
    public string? Status { get; set; }

    public string? Activity { get; set; }

    public int Attempt { get; set; }

    public ProgressDto? Progress { get; set; }

    public StageResult? Result { get; set; }

    public ConcurrentDictionary<string, double> LastMetrics { get; } = new(StringComparer.Ordinal);

    public List<StageLogLine> Logs { get; } = [];
}
