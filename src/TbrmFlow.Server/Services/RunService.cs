using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Cluster;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Tracking;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Server.Services;

/// <summary>
/// Runs workflows in the background through the CLI's engine, run store (<c>HOME/runs.db</c>) and
/// MLflow file store (<c>mlruns/</c>), so runs started from either side appear in both. Live runs
/// push <see cref="RunEventDto"/>s to subscribers (the SignalR hub and Blazor components).
/// </summary>
/// <remarks>
/// Metric history: from memory for runs this process started (while they are kept, the newest
/// <see cref="MaxKeptRuns"/> finished ones), otherwise read back from the MLflow file store the CLI and
/// the server both write (stage runs tagged <c>tbrmflow.run_id</c> and <c>tbrmflow.stage</c>; keys as
/// MLflow stores them). Logs: from memory, otherwise from <c>HOME/logs/RUN/INSTANCE.log</c>, which the
/// server and the CLI both write (<see cref="StageLogWriter"/>).
/// </remarks>
public sealed partial class RunService : IAsyncDisposable
{
    /// <summary>Finished runs whose live data (metric history, logs, progress) stay in memory.</summary>
    public const int MaxKeptRuns = 50;

    private readonly WorkflowRunner _runner;
    private readonly WorkflowLibrary _library;
    private readonly ActivityCatalog _catalog;
    private readonly ServerOptions _options;
    private readonly ILogger<RunService> _logger;
    private readonly ConcurrentDictionary<string, LiveRun> _live = new(StringComparer.Ordinal);
    private readonly Lock _subscribersGate = new();
    private Action<RunEventDto>[] _subscribers = [];
    private readonly Lazy<RunStore> _store;
    private readonly Cluster.Store.PostgresRunStore? _clusterStore;
    private readonly ClusterConnection? _cluster;
    private readonly ClusterTracking? _clusterTracking;

    /// <summary>Creates the service; with a <paramref name="cluster"/> (server config <c>cluster</c>) it also shows that cluster's runs.</summary>
    public RunService(WorkflowRunner runner, WorkflowLibrary library, ActivityCatalog catalog, EngineOptions engine, ServerOptions options, ILogger<RunService> logger, ClusterConnection? cluster = null)
    {
        _cluster = cluster;
        _clusterStore = cluster?.Store;
        _clusterTracking = cluster is null ? null : new ClusterTracking(line => logger.LogWarning("{Message}", line));
        _runner = runner;
        _library = library;
        _catalog = catalog;
        _options = options;
        _logger = logger;
        StorePath = engine.ResolvedStorePath;
        _store = new Lazy<RunStore>(() => new RunStore(StorePath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The run store's file (the CLI's <c>--store</c> default for the same home).</summary>
    public string StorePath { get; }

    /// <summary>Where stage log files are written.</summary>
    public string LogDirectory => Path.Combine(_options.HomeDirectory, "logs");

    private RunStore Store => _store.Value;

    /// <summary>The store that holds <paramref name="runId"/> and its record: this machine's, else the cluster's (when one is configured); null when neither has it.</summary>
    private (IRunStore Store, RunRecord Run)? Find(string runId) =>
        Store.GetRun(runId) is { } local ? (Store, local)
        : _clusterStore?.GetRun(runId) is { } remote ? (_clusterStore, remote)
        : null;

    /// <summary>The store that holds <paramref name="runId"/>; <see cref="NotFoundException"/> when none does.</summary>
    private IRunStore StoreOf(string runId) =>
        Find(runId)?.Store ?? throw new NotFoundException($"no run '{runId}' in {StorePath}{(_clusterStore is null ? "" : " or the cluster")}");

    /// <summary>Starts <paramref name="workflowName"/> from the workflows folder in the background; returns its run id once the run is in the run store.</summary>
    /// <param name="workflowName">Workflow name (file name without <c>.yaml</c>).</param>
    /// <param name="parameters">Overrides as text, parsed exactly like the CLI's <c>-p name=value</c>.</param>
    /// <param name="ct">Cancels waiting for the start (not the run; use <see cref="Cancel"/>).</param>
    /// <exception cref="InvalidInputException">Bad name, a workflow with errors, or bad parameters.</exception>
    /// <exception cref="NotFoundException">No such workflow.</exception>
    public async Task<string> StartAsync(string workflowName, IReadOnlyDictionary<string, string> parameters, CancellationToken ct)
    {
        WorkflowLibrary.CheckName(workflowName, "workflow");
        var text = _library.Read(workflowName) ?? throw new NotFoundException($"no workflow '{workflowName}' in {_library.Directory}");
        var (loaded, diagnostics) = WorkflowValidator.Load(text, _catalog, ct);
        if (loaded is null)
        {
            var errors = diagnostics.Where(d => !d.IsWarning).Take(5).Select(d => d.Format(workflowName + ".yaml")).ToList();
            throw new InvalidInputException("workflow", $"workflow '{workflowName}' has errors: {string.Join("; ", errors)}");
        }
        var workflow = loaded with { SourceFile = _library.FileOf(workflowName) };
        var overrides = ParamOverrides.FromPairs(parameters);
        BindOrThrow(workflow, overrides);
        return await LaunchAsync("params", observer => _runner.RunAsync(workflow, overrides, observer.Composite, observer.Live.Cancellation.Token), ct);
    }

    /// <summary>Continues a killed, failed or cancelled run in the background (finished stages are kept); returns its id once it runs again.</summary>
    /// <exception cref="NotFoundException">No such run.</exception>
    /// <exception cref="ConflictException">The run is still running (here or in another process).</exception>
    public async Task<string> ResumeAsync(string runId, CancellationToken ct)
    {
        if (_live.TryGetValue(runId, out var live) && !live.IsDone)
        {
            if (!live.HasEnded)
            {
                throw new ConflictException($"run '{runId}' is running in this server");
            }
            // Ended a moment ago: let its MLflow records close before the resumed run reopens them.
            await live.Completion.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        if (!ReferenceEquals(StoreOf(runId), Store))
        {
            throw new InvalidInputException("id", $"run '{runId}' runs on the cluster: its workers retry and resume its stages; resume applies to runs of this machine");
        }
        return await LaunchAsync("id", observer => _runner.ResumeAsync(runId, observer.Composite, observer.Live.Cancellation.Token), ct);
    }

    /// <summary>
    /// Asks a run this server is running to stop, or cancels a run of the cluster the way
    /// <c>tbrmflow cancel</c> does (<see cref="RunCanceller"/>); false when it is neither.
    /// </summary>
    /// <exception cref="ConflictException">The cluster run already ended.</exception>
    public bool Cancel(string runId)
    {
        if (_live.TryGetValue(runId, out var live) && !live.HasEnded)
        {
            live.Cancellation.Cancel();
            return true;
        }
        if (_cluster is null || !ReferenceEquals(Find(runId)?.Store, _clusterStore))
        {
            return false;
        }
        // The stages it ended and, when nothing was running, the run's end go to MLflow as with 'tbrmflow cancel'.
        var outcome = RunCanceller.CancelAndReport(_cluster, runId, "cancelled through the server",
            run => _clusterTracking!.ForStageJob(run, _clusterStore!), line => _logger.LogWarning("{Message}", line));
        return outcome.State == RunCanceller.State.AlreadyEnded
            ? throw new ConflictException($"cluster run '{runId}' already ended ({outcome.RunStatus}); there is nothing to cancel")
            : outcome.State != RunCanceller.State.NotFound;
    }

    /// <summary>True when this server is running <paramref name="runId"/> now.</summary>
    public bool IsLive(string runId) => _live.TryGetValue(runId, out var live) && !live.HasEnded;

    /// <summary>The newest runs first (from the shared run store).</summary>
    public IReadOnlyList<RunSummaryDto> List(int limit)
    {
        limit = Math.Clamp(limit, 1, 10_000);
        var runs = Store.ListRuns(limit);
        if (_clusterStore is not null)
        {
            runs = [.. runs.Concat(_clusterStore.ListRuns(limit)).OrderByDescending(r => r.StartedAt).Take(limit)];
        }
        return runs.Select(Summary).ToList();
    }

    /// <summary>A run with its stage instances, live progress and last metrics; null when unknown.</summary>
    public RunDetailDto? Get(string runId)
    {
        if (Find(runId) is not var (store, record))
        {
            return null;
        }
        var live = _live.GetValueOrDefault(runId);
        var stages = store.GetStages(runId).Select(s => Stage(s, live?.Stage(s.InstanceId))).ToList();
        if (live is not null)
        {
            var known = stages.Select(s => s.InstanceId).ToHashSet(StringComparer.Ordinal);
            stages.AddRange(live.Stages.Where(s => !known.Contains(s.Key)).Select(s => LiveOnly(s.Key, s.Value)));
        }
        var parameters = JsonNode.Parse(record.ParamsJson) as JsonObject ?? [];
        return new RunDetailDto(Summary(record), record.Experiment, record.SourceFile, parameters, stages, record.SourceText);
    }

    /// <summary>Metric history of a run, optionally of one stage instance and one key, in report order.</summary>
    /// <exception cref="NotFoundException">No such run.</exception>
    public IReadOnlyList<MetricPointDto> Metrics(string runId, string? instanceId, string? key)
    {
        if (_live.TryGetValue(runId, out var live) && !live.MetricsTruncated)
        {
            return live.Metrics(instanceId, key);
        }
        _ = StoreOf(runId);
        return MlflowMetrics.Read(MlrunsDirectory, runId, instanceId, key);
    }

    /// <summary>The MLflow file store read for old runs' metrics (where the CLI writes by default).</summary>
    public string MlrunsDirectory => new TrackingOptions { LocalStore = _options.MlrunsDirectory }.ResolveLocalStore();

    /// <summary>The log of one stage instance: state changes, progress and what the activity logged (<see cref="StageLogLines"/>).</summary>
    /// <exception cref="NotFoundException">No such run or stage instance.</exception>
    public IReadOnlyList<StageLogLine> Logs(string runId, string instanceId)
    {
        if (_live.TryGetValue(runId, out var live) && live.Stage(instanceId) is { } stage)
        {
            lock (stage.Logs)
            {
                return stage.Logs.ToList();
            }
        }
        var store = StoreOf(runId);
        var lines = StageLogFile.Read(LogDirectory, runId, instanceId);
        if (lines.Count == 0 && store.GetStages(runId).All(s => s.InstanceId != instanceId))
        {
            throw new NotFoundException($"run '{runId}' has no stage instance '{instanceId}'");
        }
        return lines;
    }

    /// <summary>Calls <paramref name="handler"/> for every event of every live run until the result is disposed. Handlers run on engine threads: return quickly.</summary>
    public IDisposable Subscribe(Action<RunEventDto> handler)
    {
        lock (_subscribersGate)
        {
            _subscribers = [.. _subscribers, handler];
        }
        return new Subscription(() =>
        {
            lock (_subscribersGate)
            {
                _subscribers = _subscribers.Where(h => h != handler).ToArray();
            }
        });
    }

    /// <summary>Cancels runs still going and waits (up to 15 s) for them to record their end.</summary>
    public async ValueTask DisposeAsync()
    {
        var running = _live.Values.Where(l => !l.IsDone).ToList();
        foreach (var live in running)
        {
            await live.Cancellation.CancelAsync();
        }
        await Task.WhenAll(running.Select(l => l.Completion)).WaitAsync(TimeSpan.FromSeconds(15)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }
        if (_clusterTracking is not null)
        {
            await _clusterTracking.DisposeAsync();
        }
    }

    // field: the input a refusal by the engine is about (params of a start, the id of a resume).
    private async Task<string> LaunchAsync(string field, Func<(LiveRun Live, IRunObserver Composite), Task<RunResult>> run, CancellationToken ct)
    {
        var live = new LiveRun(Publish, Register);
        var logs = new StageLogWriter(LogDirectory, live.AppendLog);
        var tracker = TrackingSetup.CreateObserver(new TrackingOptions { LocalStore = _options.MlrunsDirectory });
        live.Completion = Task.Run(async () =>
        {
            try
            {
                await using (tracker)
                {
                    var result = await run((live, new CompositeRunObserver(live, logs, tracker)));
                    _logger.LogInformation("run {RunId} ended: {Status}", result.RunId, result.Status);
                }
            }
            catch (Exception e) when (!live.Started.Task.IsCompleted)
            {
                live.Started.TrySetException(e);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "run {RunId} stopped with an error", live.RunId);
            }
            finally
            {
                live.MarkDone();
                Trim();
            }
        }, CancellationToken.None);
        string runId;
        try
        {
            runId = await live.Started.Task.WaitAsync(ct);
        }
        catch (StageInputException e)
        {
            throw e.Message.Contains("still running", StringComparison.Ordinal) ? new ConflictException(e.Message) : new InvalidInputException(field, e.Message);
        }
        await WaitRecordedAsync(runId, ct);
        return runId;
    }

    /// <summary>The engine saves through a background writer; wait until the run store shows the run so a GET right after the start finds it.</summary>
    private async Task WaitRecordedAsync(string runId, CancellationToken ct)
    {
        for (var i = 0; i < 500 && Store.GetRun(runId) is null; i++)
        {
            await Task.Delay(10, ct);
        }
    }

    private void Register(LiveRun live) => _live[live.RunId!] = live;

    private void Publish(RunEventDto e)
    {
        foreach (var handler in _subscribers)
        {
            try
            {
                handler(e);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "a run event subscriber failed");
            }
        }
    }

    /// <summary>Forgets the live data of the oldest finished runs beyond <see cref="MaxKeptRuns"/>.</summary>
    private void Trim()
    {
        foreach (var old in _live.Where(l => l.Value.IsDone).OrderByDescending(l => l.Value.DoneAt).Skip(MaxKeptRuns).ToList())
        {
            _live.TryRemove(old);
        }
    }

    private static void BindOrThrow(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonNode?> overrides)
    {
        try
        {
            WorkflowRunner.BindParams(workflow, overrides);
        }
        catch (StageInputException e)
        {
            var name = ParamName().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : null;
            var declared = workflow.Params.FirstOrDefault(p => p.Name == name);
            List<string> allowed = declared?.Allowed is { } values
                ? values.Select(v => v?.ToJsonString() ?? "null").ToList()
                : declared is null ? workflow.Params.Select(p => p.Name).ToList() : [];
            throw new InvalidInputException(name is null ? "params" : "params." + name, e.Message, allowed.Count == 0 ? null : allowed);
        }
    }

    private RunSummaryDto Summary(RunRecord r) =>
        new(r.Id, r.Workflow, Lifecycle.Name(r.Status), DateTime.SpecifyKind(r.StartedAt, DateTimeKind.Utc), r.FinishedAt is { } f ? DateTime.SpecifyKind(f, DateTimeKind.Utc) : null, r.Error, IsLive(r.Id));

    private static StageDto Stage(StageRecord s, LiveStage? live)
    {
        var metrics = s.MetricsJson is null ? new Dictionary<string, double>() : JsonSerializer.Deserialize<Dictionary<string, double>>(s.MetricsJson) ?? [];
        if (live is not null)
        {
            foreach (var (key, value) in live.LastMetrics)
            {
                metrics[key] = value;
            }
        }
        var outputs = s.OutputsJson is null ? [] : JsonNode.Parse(s.OutputsJson) as JsonObject ?? [];
        var status = live?.Result is null && live?.Status is { } liveStatus ? liveStatus : Lifecycle.Name(s.Status);
        return new StageDto(s.InstanceId, s.StageId, s.Iteration, s.Activity, status, Math.Max(s.Attempts, live?.Attempt ?? 0), s.DurationS, outputs, metrics, live?.Progress, s.Error);
    }

    private static StageDto LiveOnly(string instanceId, LiveStage live) =>
        new(instanceId, instanceId.Split('[', '.')[0], null, live.Activity ?? "", live.Status ?? Lifecycle.Name(StageStatus.Pending), live.Attempt, live.Result?.DurationS ?? 0,
            live.Result?.Outputs ?? [], new Dictionary<string, double>(live.LastMetrics), live.Progress, live.Result?.Error);

    [GeneratedRegex("parameter '([^']+)'")]
    private static partial Regex ParamName();

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
