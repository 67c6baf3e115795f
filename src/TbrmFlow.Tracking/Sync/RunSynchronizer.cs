using System.Globalization;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;

namespace TbrmFlow.Tracking.Sync;

/// <summary>
/// Sends local runs to an MLflow server, idempotently: what the server has is recorded per run
/// (<see cref="SyncState"/>) after each request, and an answer lost in a crash is reconciled by
/// looking at the server (runs/search by <c>tbrmflow.local_run_id</c>, metrics/get-history) before
/// anything is sent again. Re-running never duplicates params or metric values: each metric (key, step) is sent once,
/// also after a resume replayed steps the server already has.
/// </summary>
/// <param name="store">The local store.</param>
/// <param name="client">The server's REST API.</param>
/// <param name="server">The server's name in the sync state, when the client reaches it at another address than the
/// one the runs were recorded for (a cluster worker inside another network): processes that share the store then
/// agree on what the server has. Default: the client's address.</param>
public sealed class RunSynchronizer(MlflowFileStore store, MlflowRestClient client, Uri? server = null)
{
    private readonly Dictionary<string, string> _experiments = new(StringComparer.Ordinal);

    /// <summary>The server, as the sync state names it.</summary>
    public Uri Server => server ?? client.BaseUri;

    /// <summary>Sends every run of the local store (parents before their children).</summary>
    public async Task<SyncReport> SyncAllAsync(CancellationToken ct)
    {
        var report = new SyncReport();
        foreach (var dir in store.RunDirectories().OrderBy(d => File.Exists(Path.Combine(d, "tags", MlflowTags.ParentRunId)) ? 1 : 0))
        {
            report += await SyncRunAsync(dir, ct);
        }
        return report;
    }

    /// <summary>True when the server has everything of the run in <paramref name="runDirectory"/>.</summary>
    public bool IsComplete(string runDirectory)
    {
        var run = LocalRunReader.Read(runDirectory);
        var state = SyncState.Load(runDirectory, Server);
        return state.RemoteRunId is not null && !state.InFlight
            && run.Params.Keys.All(state.Params.Contains)
            && run.Metrics.All(m => !state.Unsent(m.Key, m.Value).Any())
            && (run.Status == MlflowRunStatus.Running || state.StatusSent == run.Status);
    }

    /// <summary>True when the run has ended and the server has all of it (nothing more will come).</summary>
    public bool IsDone(string runDirectory) =>
        LocalRunReader.Read(runDirectory).Status != MlflowRunStatus.Running && IsComplete(runDirectory);

    /// <summary>Sends what the server lacks of one run.</summary>
    public async Task<SyncReport> SyncRunAsync(string runDirectory, CancellationToken ct)
    {
        // Several processes may send the same run: a cluster run's parent gets eval metrics from every worker,
        // and each process has its own replicator. The state is read under the run's lock, so none sends
        // what another already sent.
        await using var held = await SyncLock.TakeAsync(runDirectory, Server, ct);
        var run = LocalRunReader.Read(runDirectory);
        var state = SyncState.Load(runDirectory, Server);
        var created = 0;
        var tags = await RemoteTagsAsync(runDirectory, run, ct);
        if (state.RemoteRunId is null)
        {
            created = await CreateAsync(runDirectory, run, state, tags, ct);
        }
        var runId = state.RemoteRunId!;
        if (state.InFlight)
        {
            await ReconcileMetricsAsync(runDirectory, run, state, ct);
        }
        var parameters = run.Params.Where(p => !state.Params.Contains(p.Key)).ToList();
        var newTags = tags.Where(t => state.Tags.GetValueOrDefault(t.Key) != t.Value).ToList();
        var metrics = run.Metrics
            .SelectMany(m => state.Unsent(m.Key, m.Value).Select(p => KeyValuePair.Create(m.Key, p)))
            .ToList();
        foreach (var batch in LogBatch.Split(metrics, parameters, newTags))
        {
            state.InFlight = true;
            state.Save(runDirectory, Server);
            await client.LogBatchAsync(runId, batch, ct);
            foreach (var (key, point) in batch.Metrics)
            {
                state.MetricSteps[key] = Math.Max(state.MetricSteps.GetValueOrDefault(key, long.MinValue), point.Step);
            }
            state.Params.UnionWith(batch.Params.Select(p => p.Key));
            foreach (var (key, value) in batch.Tags)
            {
                state.Tags[key] = value;
            }
            state.InFlight = false;
            state.Save(runDirectory, Server);
        }
        var artifacts = await UploadArtifactsAsync(runDirectory, state, ct);
        if (run.Status != MlflowRunStatus.Running && state.StatusSent != run.Status)
        {
            await client.UpdateRunAsync(runId, run.Status, run.EndTime, ct);
            state.StatusSent = run.Status;
            state.Save(runDirectory, Server);
        }
        return new SyncReport
        {
            Runs = 1,
            RunsCreated = created,
            Metrics = metrics.Count,
            Params = parameters.Count,
            Tags = newTags.Count,
            Artifacts = artifacts,
        };
    }

    private async Task<int> CreateAsync(string runDirectory, StoredRun run, SyncState state, Dictionary<string, string> tags, CancellationToken ct)
    {
        var experimentName = MetaYaml.Read(Path.Combine(Path.GetDirectoryName(runDirectory)!, "meta.yaml"))["name"] ?? "Default";
        if (!_experiments.TryGetValue(experimentName, out var experimentId))
        {
            experimentId = await client.GetOrCreateExperimentAsync(experimentName, ct);
            _experiments[experimentName] = experimentId;
        }
        state.RemoteExperimentId = experimentId;
        if (state.Creating)
        {
            // The last runs/create may have succeeded without us hearing the answer.
            var found = await client.SearchRunIdsAsync(experimentId, $"tags.`{MlflowTags.LocalRunId}` = '{run.RunId}'", ct);
            if (found.Count > 0)
            {
                state.RemoteRunId = found[0];
                state.Creating = false;
                state.Save(runDirectory, Server);
                return 0;
            }
        }
        state.Creating = true;
        state.Save(runDirectory, Server);
        var user = tags.GetValueOrDefault(MlflowTags.User);
        var (remoteId, artifactUri) = await client.CreateRunAsync(experimentId, run.RunName, run.StartTime, tags, user, ct);
        state.RemoteRunId = remoteId;
        state.ArtifactUri = artifactUri;
        state.Creating = false;
        foreach (var (key, value) in tags)
        {
            state.Tags[key] = value;
        }
        state.Save(runDirectory, Server);
        return 1;
    }

    /// <summary>The run's tags as the server should see them: the parent's id is the remote one.</summary>
    private async Task<Dictionary<string, string>> RemoteTagsAsync(string runDirectory, StoredRun run, CancellationToken ct)
    {
        var tags = new Dictionary<string, string>(run.Tags, StringComparer.Ordinal) { [MlflowTags.LocalRunId] = run.RunId };
        if (tags.TryGetValue(MlflowTags.ParentRunId, out var localParent))
        {
            // The parent may have been written (and sent) by another process sharing the store: its state
            // beside it says its remote id; if nobody sent it yet, send it now (under its own lock).
            var parentDir = Path.Combine(Path.GetDirectoryName(runDirectory)!, localParent);
            if (!File.Exists(Path.Combine(parentDir, "meta.yaml")))
            {
                throw new InvalidOperationException($"run {run.RunId} names parent run {localParent}, which is not in {Path.GetDirectoryName(runDirectory)}; it is not sent without its parent");
            }
            var parentState = SyncState.Load(parentDir, Server);
            if (parentState.RemoteRunId is null)
            {
                await SyncRunAsync(parentDir, ct);
                parentState = SyncState.Load(parentDir, Server);
            }
            tags[MlflowTags.ParentRunId] = parentState.RemoteRunId!;
        }
        return tags;
    }

    /// <summary>A batch may have reached the server without its answer reaching us: the server's history says which
    /// steps it has (its highest step per key is what the state would have recorded).</summary>
    private async Task ReconcileMetricsAsync(string runDirectory, StoredRun run, SyncState state, CancellationToken ct)
    {
        foreach (var (key, points) in run.Metrics)
        {
            if (!state.Unsent(key, points).Any())
            {
                continue;
            }
            var remote = await client.GetMetricHistoryAsync(state.RemoteRunId!, key, ct);
            if (remote.Count > 0)
            {
                state.MetricSteps[key] = Math.Max(state.MetricSteps.GetValueOrDefault(key, long.MinValue), remote.Max(p => p.Step));
            }
        }
        state.InFlight = false;
        state.Save(runDirectory, Server);
    }

    private async Task<int> UploadArtifactsAsync(string runDirectory, SyncState state, CancellationToken ct)
    {
        var uploaded = 0;
        foreach (var (relative, file) in LocalRunReader.Files(Path.Combine(runDirectory, "artifacts")))
        {
            var info = new FileInfo(file);
            var stamp = info.Length.ToString(CultureInfo.InvariantCulture) + "@" + info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture);
            if (state.Artifacts.GetValueOrDefault(relative) == stamp)
            {
                continue;
            }
            await client.UploadArtifactAsync(state.RemoteExperimentId ?? "0", state.RemoteRunId!, state.ArtifactUri, relative, file, ct);
            state.Artifacts[relative] = stamp;
            state.Save(runDirectory, Server);
            uploaded++;
        }
        return uploaded;
    }
}
