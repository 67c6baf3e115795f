using System.Collections.Concurrent;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking;

/// <summary>
/// Records a workflow run in an MLflow store: a parent run for the workflow, a nested run per
/// stage instance. Every event is written to the local store before the call returns (a few
/// small file appends); a replicator, when configured, sends records to a server in the background.
/// Thread-safe; one observer follows one workflow run at a time.
/// </summary>
public sealed partial class MlflowTrackingObserver : IRunObserver, IAsyncDisposable
{
    /// <summary>Prefix of the metrics that are also logged on the parent run.</summary>
    public const string EvalPrefix = "eval/";

    private readonly MlflowFileStore _store;
    private readonly TrackingOptions _options;
    private readonly IRunReplicator? _replicator;
    private bool _disposed;
    private readonly ConcurrentDictionary<string, LocalRun> _stages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StageInfo> _stageInfos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reattachable = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Action<string>? _onError;
    private LocalRun? _parent;
    private bool _logCheckpoints;
    private RunInfo? _run;
    private Func<IEnumerable<StageInfo>>? _attachedStages;

    /// <summary>Creates the observer.</summary>
    /// <param name="store">The local store every record is written to first.</param>
    /// <param name="options">Tracking options.</param>
    /// <param name="replicator">Sends the store's records to a server, when there is one.</param>
    /// <param name="onError">Also told each tracking error as it happens (e.g. a worker's log).</param>
    public MlflowTrackingObserver(MlflowFileStore store, TrackingOptions options, IRunReplicator? replicator = null, Action<string>? onError = null)
    {
        _store = store;
        _options = options;
        _replicator = replicator;
        _onError = onError;
    }

    /// <summary>What went wrong while recording (the run itself goes on).</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>The parent run of the current (or last) workflow run.</summary>
    public LocalRun? ParentRun => _parent;

    /// <summary>The nested run of a stage instance, once it started.</summary>
    public LocalRun? StageRun(string stageId) => _stages.GetValueOrDefault(stageId);

    /// <inheritdoc />
    public void RunStarted(RunInfo run) => Guard(() => OnRunStarted(run));

    private void OnRunStarted(RunInfo run)
    {
        lock (_lock)
        {
            Follow(run);
            var experimentId = _store.GetOrCreateExperiment(run.Experiment);
            var tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [MlflowTags.User] = Environment.UserName,
                [MlflowTags.SourceType] = "LOCAL",
                [MlflowTags.RunId] = run.RunId,
            };
            if (run.SourceFile is not null)
            {
                tags[MlflowTags.SourceName] = run.SourceFile;
                if (GitInfo.CommitOf(run.SourceFile) is { } commit)
                {
                    tags[MlflowTags.GitCommit] = commit;
                }
            }
            if (!string.IsNullOrWhiteSpace(run.Description))
            {
                tags[MlflowTags.Note] = run.Description;
            }
            if (run.Resumed)
            {
                // What faults left (a run made half on a full disk, a step logged twice by an older version) is
                // repaired before the resumed run continues its MLflow runs.
                MlflowRepair.Repair(_store, experimentId, run.RunId);
            }
            _parent = run.Resumed && Reattach(experimentId, run.RunId, reopen: true) is { } resumed
                ? resumed
                : _store.CreateRun(experimentId, RunName(run), Environment.UserName, Now(), tags);
            LogParams(_parent, run.Params);
            if (run.SourceFile is not null && File.Exists(run.SourceFile))
            {
                _parent.LogArtifactFile(run.SourceFile, "workflow/" + Path.GetFileName(run.SourceFile));
            }
            _replicator?.Notify(_parent.Directory);
        }
    }

    /// <summary>
    /// Follows a run whose parent MLflow run another process created and will finish (a cluster worker
    /// running one of its stages): finds the parent by its <c>tbrmflow.run_id</c> tag, as a resume does, but
    /// neither creates it nor marks it running again; stage events then record nested runs under it (a stage
    /// that ran before, e.g. on a worker that died, continues its nested run). <see cref="RunFinished"/>
    /// writes the manifest from <paramref name="stages"/> (every stage instance that started, whichever
    /// process ran it). False, with the reason in <see cref="Errors"/>, when the store has no such parent.
    /// </summary>
    public bool Attach(RunInfo run, Func<IEnumerable<StageInfo>> stages)
    {
        Guard(() =>
        {
            lock (_lock)
            {
                Follow(run);
                _attachedStages = stages;
                _parent = _store.FindExperiment(run.Experiment) is { } experimentId ? Reattach(experimentId, run.RunId, reopen: false) : null;
                if (_parent is null)
                {
                    throw new InvalidOperationException(
                        $"no MLflow run tagged {MlflowTags.RunId}={run.RunId} in experiment '{run.Experiment}' of {_store.Root}; the process that started the run " +
                        "records it there, so a cluster's MLflow store must be a directory every worker shares");
                }
            }
        });
        return _parent is not null;
    }

    private void Follow(RunInfo run)
    {
        _run = run;
        _logCheckpoints = _options.LogCheckpoints || run.Params["log_checkpoints"]?.ToJsonString() == "true";
        _parent = null;
        _attachedStages = null;
        _stages.Clear();
        _stageInfos.Clear();
        _reattachable.Clear();
    }

    /// <inheritdoc />
    public void StageStarted(StageInfo stage) => Guard(() => OnStageStarted(stage), stopOnWriteFault: true);

    private void OnStageStarted(StageInfo stage)
    {
        var child = GetOrCreateStage(stage.StageId, stage.Activity);
        _stageInfos[stage.StageId] = stage;
        child.SetTag("tbrmflow.attempt", stage.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        child.SetTag("tbrmflow.activity_version", stage.ActivityVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        LogParams(child, stage.Inputs);
        _replicator?.Notify(child.Directory);
    }

    /// <inheritdoc />
    public void StageStateChanged(string stageId, StageStatus status, string? detail = null)
    {
    }

    /// <inheritdoc />
    public void StageProgress(string stageId, long done, long total, string? message)
    {
    }

    /// <inheritdoc />
    public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics) => Guard(() => OnStageMetrics(stageId, step, metrics), stopOnWriteFault: true);

    private void OnStageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics)
    {
        var now = Now();
        var child = GetOrCreateStage(stageId, null);
        var sanitized = metrics.Select(m => KeyValuePair.Create(MlflowKeys.Sanitize(m.Key), m.Value)).ToList();
        child.LogMetrics(step, now, sanitized);
        var eval = sanitized.Where(m => m.Key.StartsWith(EvalPrefix, StringComparison.Ordinal))
            .Select(m => KeyValuePair.Create(ParentEvalKey(m.Key, stageId), m.Value)).ToList();
        if (eval.Count > 0)
        {
            _parent?.LogMetrics(step, now, eval);
            _replicator?.Notify(_parent?.Directory ?? child.Directory);
        }
        _replicator?.Notify(child.Directory);
    }

    /// <inheritdoc />
    public void StageLog(string stageId, string message)
    {
    }

    /// <inheritdoc />
    public void StageFinished(string stageId, StageResult result) => Guard(() => OnStageFinished(stageId, result));

    private void OnStageFinished(string stageId, StageResult result)
    {
        var child = GetOrCreateStage(stageId, null);
        try
        {
            child.SetTag("tbrmflow.stage_status", result.Status.ToString().ToLowerInvariant());
            if (result.Error is not null)
            {
                child.SetTag("tbrmflow.error", result.Error);
            }
            LogOutputArtifacts(child, result.Outputs);
        }
        finally
        {
            // A full disk may refuse the tags or artifacts: the run still ends (meta.yaml is one small file).
            child.Finish(ToMlflow(result.Status), Now());
        }
        _replicator?.Notify(child.Directory);
    }

    /// <inheritdoc />
    public void RunFinished(RunInfo run, RunResult result) => Guard(() => OnRunFinished(run, result));

    private void OnRunFinished(RunInfo run, RunResult result)
    {
        var parent = _parent;
        if (parent is null)
        {
            return;
        }
        var stages = _attachedStages?.Invoke() ?? _stageInfos.Values;
        try
        {
            parent.LogArtifactText(ReproManifest.Build(run, stages, _options.Versions).ToJsonString(ManifestJson), "manifest.json");
            TryLogChart(parent);
        }
        finally
        {
            // A full disk may refuse the manifest or the chart: the run still ends.
            parent.Finish(result.Status switch
            {
                RunStatus.Succeeded => MlflowRunStatus.Finished,
                RunStatus.Cancelled => MlflowRunStatus.Killed,
                _ => MlflowRunStatus.Failed,
            }, Now());
        }
        _replicator?.Notify(parent.Directory);
    }

    /// <summary>One line for the user: where the run was recorded.</summary>
    public string Describe()
    {
        var where = _parent is null ? "no run recorded" : $"MLflow run {_parent.RunId} in {_store.Root}";
        if (!_errors.IsEmpty)
        {
            where += $"; {_errors.Count} tracking errors, first: {_errors.First()}";
        }
        if (_replicator is null)
        {
            return where;
        }
        if (!_disposed)
        {
            return where + $"; replicating to {_options.ResolveRemote()} (if it ends unsent: tbrmflow mlflow sync)";
        }
        var pending = _replicator.PendingRuns.Count;
        return pending == 0
            ? where + $"; sent to {_options.ResolveRemote()}"
            : where + $"; {pending} runs pending for {_options.ResolveRemote()} ({_replicator.LastError?.Message ?? "not finished"}): send them with 'tbrmflow mlflow sync'";
    }

    /// <summary>
    /// Waits (up to the configured timeout; not at all when the server is unreachable) for the replicator to
    /// send what is pending. Safe to call twice.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_replicator is not null && !_disposed)
        {
            _disposed = true;
            await _replicator.DisposeAsync();
        }
    }

    /// <summary>
    /// The parent-run key of a stage's eval metric: the stage instance as a suffix, so that the
    /// runs table puts <c>eval/test/avg_1/evaluate.policy-sft</c> and <c>.../evaluate.policy-tbrm</c>
    /// side by side, and the same stage compares across workflow runs.
    /// </summary>
    public static string ParentEvalKey(string key, string stageId) => MlflowKeys.Sanitize(key + "/" + StageKey(stageId));

    /// <summary><c>evaluate[policy=sft]</c> -> <c>evaluate.policy-sft</c> (characters MLflow accepts).</summary>
    public static string StageKey(string stageId) =>
        stageId.Replace('[', '.').Replace("]", "", StringComparison.Ordinal).Replace('=', '-').Replace(',', '.');
}
