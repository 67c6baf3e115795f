using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Sync;

namespace TbrmFlow.Tracking;

/// <summary>
/// MLflow tracking of cluster runs. The process that submits a run resolves its tracking options as an
/// in-process run does, records them with the run (<see cref="Target"/>, in <c>runs.Tracking</c>) and
/// creates the parent MLflow run; every worker keeps one <see cref="ClusterTracking"/> and gets an
/// observer per stage job (<see cref="ForStageJob"/>) that attaches to that parent and records the
/// stage's nested run, in the store the run names. Observers of one store and server share one
/// replicator, which lives (and is flushed) with the worker.
/// </summary>
/// <param name="log">Where tracking problems of the worker go (its log).</param>
/// <param name="localStore">Where this worker sees the runs' local store, when the shared directory is mounted at
/// another path than on the submitter's machine (null: the recorded path).</param>
/// <param name="server">How this worker reaches the runs' MLflow server, when its address differs from the
/// submitter's (e.g. <c>http://mlflow:5000</c> inside the compose network); used only for runs that name a server.</param>
public sealed class ClusterTracking(Action<string>? log = null, string? localStore = null, string? server = null) : IAsyncDisposable
{
    private readonly Dictionary<string, (MlflowFileStore Store, IRunReplicator? Replicator)> _targets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>What a submitter records with a run: the local store (absolute) and the server, if any.</summary>
    public static string Target(TrackingOptions options) =>
        new JsonObject { ["local_store"] = options.ResolveLocalStore(), ["tracking_uri"] = options.ResolveRemote() }.ToJsonString();

    /// <summary>
    /// The options a recorded <see cref="Target"/> stands for, or null when there is none (the run was
    /// submitted without tracking) or it cannot be read. The worker's own <c>MLFLOW_TRACKING_URI</c> plays
    /// no part: every worker tracks where the submitter did.
    /// </summary>
    public static TrackingOptions? Options(string? target) => Options(target, null);

    /// <summary>As <see cref="Options(string?)"/>, with the store where this worker sees it (<paramref name="localStore"/>; null: as recorded).</summary>
    public static TrackingOptions? Options(string? target, string? localStore)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return null;
        }
        try
        {
            var node = JsonNode.Parse(target) as JsonObject;
            var local = node?["local_store"]?.GetValue<string>();
            var remote = node?["tracking_uri"]?.GetValue<string>();
            if (local is null || !Path.IsPathFullyQualified(local))
            {
                return null;
            }
            local = localStore is null ? local : Path.GetFullPath(localStore);
            return new TrackingOptions { TrackingUri = remote ?? local, LocalStore = local };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// What the manifest lists for a stored run: every stage instance that started (cached ones, skipped
    /// ones and repeat containers never do in-process either), with its inputs as resolved.
    /// </summary>
    public static IEnumerable<StageInfo> StartedStages(IEnumerable<StageRecord> records) =>
        records.Where(r => r.InputsJson is not null && r.Attempts > 0 && r.Status != StageStatus.Cached)
            .Select(r => new StageInfo
            {
                RunId = r.RunId,
                StageId = r.InstanceId,
                Activity = r.Activity,
                ActivityVersion = r.ActivityVersion,
                Inputs = JsonNode.Parse(r.InputsJson!) as JsonObject ?? [],
                Attempt = r.Attempts,
            });

    /// <summary>
    /// An observer for one stage job of <paramref name="run"/>, attached to the parent run its submitter
    /// created (see <see cref="MlflowTrackingObserver.Attach"/>); a no-op observer when the run is not
    /// tracked or its store is not reachable here (said in the log). Not to be disposed: what it shares
    /// is disposed with this object.
    /// </summary>
    public IRunObserver ForStageJob(RunRecord run, IRunStore store)
    {
        try
        {
            return Open(run, store);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or UriFormatException)
        {
            // Tracking never stops a stage: an unusable store or URI is said in the log.
            log?.Invoke($"{run.Id}: MLflow: {e.Message}; not tracked");
            return NullRunObserver.Instance;
        }
    }

    private IRunObserver Open(RunRecord run, IRunStore store)
    {
        if (Options(run.Tracking, localStore) is not { } options)
        {
            if (run.Tracking is not null)
            {
                log?.Invoke($"{run.Id}: MLflow: cannot read the run's tracking target '{run.Tracking}'; not tracked");
            }
            return NullRunObserver.Instance;
        }
        var root = options.ResolveLocalStore();
        if (!Directory.Exists(root))
        {
            log?.Invoke($"{run.Id}: MLflow: the run's store {root} is not on this machine; mount the shared directory there (not tracked)");
            return NullRunObserver.Instance;
        }
        var (fileStore, replicator) = Open(options, root);
        var observer = new MlflowTrackingObserver(fileStore, options, replicator, error => log?.Invoke($"{run.Id}: MLflow: {error}"));
        string? description = null;
        try
        {
            description = RunPlans.Load(run).Workflow.Description;
        }
        catch (StageInputException)
        {
            // the stage job reports an unparsable workflow itself
        }
        return observer.Attach(StoredRuns.ToInfo(run, description), () => StartedStages(store.GetStages(run.Id)))
            ? observer
            : NullRunObserver.Instance;
    }

    private (MlflowFileStore, IRunReplicator?) Open(TrackingOptions options, string root)
    {
        var remote = options.ResolveRemote();
        var key = root + "\n" + remote;
        lock (_lock)
        {
            if (!_targets.TryGetValue(key, out var target))
            {
                var store = new MlflowFileStore(root);
                // Sent to this worker's address of the server, recorded under the submitter's name for it.
                IRunReplicator? replicator = remote is null
                    ? null
                    : new BackgroundReplicator(new RunSynchronizer(store, new MlflowRestClient(new Uri(server ?? remote), MlflowCredentials.FromEnvironment()), new Uri(remote)), options.FlushTimeout);
                _targets[key] = target = (store, replicator);
            }
            return target;
        }
    }

    /// <summary>Waits (bounded) for the replicators to send what is pending, then stops them.</summary>
    public async ValueTask DisposeAsync()
    {
        List<IRunReplicator> replicators;
        lock (_lock)
        {
            replicators = [.. _targets.Values.Select(t => t.Replicator).OfType<IRunReplicator>()];
            _targets.Clear();
        }
        foreach (var replicator in replicators)
        {
            await replicator.DisposeAsync();
            if (replicator.PendingRuns.Count > 0)
            {
                log?.Invoke($"MLflow: {replicator.PendingRuns.Count} runs not sent ({replicator.LastError?.Message ?? "not finished"}); send them with 'tbrmflow mlflow sync'");
            }
        }
    }
}
