using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking.Compare;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking;

public sealed partial class MlflowTrackingObserver
{
    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };

    /// <summary>Tracking never stops training for a bad record (a bad path, a bad key): a failed write is recorded in
    /// <see cref="Errors"/> and the run goes on. A full disk or read-only store is different (nothing more can be
    /// recorded): with <paramref name="stopOnWriteFault"/> (events raised inside a stage's attempt, where the engine
    /// turns the exception into the end of the run) it is rethrown.</summary>
    private void Guard(Action action, bool stopOnWriteFault = false)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException)
        {
            _errors.Enqueue(e.Message);
            _onError?.Invoke(e.Message);
            if (stopOnWriteFault && Engine.Faults.WriteFault.Of(e) is not null)
            {
                throw;
            }
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static string RunName(RunInfo run) => run.WorkflowName + "-" + run.RunId[^Math.Min(6, run.RunId.Length)..];

    private static MlflowRunStatus ToMlflow(StageStatus status) => status switch
    {
        StageStatus.Failed => MlflowRunStatus.Failed,
        StageStatus.Cancelled => MlflowRunStatus.Killed,
        StageStatus.Running or StageStatus.Pending or StageStatus.Ready => MlflowRunStatus.Running,
        _ => MlflowRunStatus.Finished,
    };

    /// <summary>Params are immutable: a value that changed on a retry or resume is kept as a
    /// <c>tbrmflow.changed_param.KEY</c> tag instead, the first value stays.</summary>
    private static void LogParams(LocalRun run, JsonObject values)
    {
        foreach (var (key, value) in ParamFlattener.Flatten(values))
        {
            try
            {
                run.LogParam(key, value);
            }
            catch (InvalidOperationException)
            {
                run.SetTag(MlflowKeys.Sanitize("tbrmflow.changed_param." + key), value);
            }
        }
    }

    /// <summary>A resumed workflow run (or a cluster worker's stage job) continues its MLflow runs: the parent
    /// with this <c>tbrmflow.run_id</c> and its stage runs (by <c>tbrmflow.stage</c>). <paramref name="reopen"/>
    /// marks the parent RUNNING again (a resume); otherwise it is left as it is.</summary>
    private LocalRun? Reattach(string experimentId, string runId, bool reopen)
    {
        var runs = RunsOf(experimentId, runId);
        var parent = runs.FirstOrDefault(r => r.Parent is null);
        if (parent.Dir is null)
        {
            return null;
        }
        foreach (var child in runs.Where(r => r.Parent == Path.GetFileName(parent.Dir)))
        {
            if (ReadTag(child.Dir, MlflowTags.Stage) is { } stage)
            {
                _reattachable[stage] = child.Dir; // reopened when the stage runs again
            }
        }
        return reopen ? LocalRun.Reopen(parent.Dir) : LocalRun.Open(parent.Dir);
    }

    /// <summary>The runs of an experiment tagged with workflow run <paramref name="runId"/>, with their parent's
    /// id. Reads two tag files per run, not whole runs: a cluster worker does this for every stage job.</summary>
    private List<(string Dir, string? Parent)> RunsOf(string experimentId, string runId) =>
        [.. Directory.EnumerateDirectories(Path.Combine(_store.Root, experimentId))
            .Where(d => File.Exists(Path.Combine(d, "meta.yaml")) && ReadTag(d, MlflowTags.RunId) == runId)
            .Select(d => (d, ReadTag(d, MlflowTags.ParentRunId)))];

    private static string? ReadTag(string runDirectory, string key)
    {
        var file = Path.Combine(runDirectory, "tags", key);
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }

    private LocalRun GetOrCreateStage(string stageId, string? activity)
    {
        lock (_lock)
        {
            if (_stages.TryGetValue(stageId, out var existing))
            {
                return existing;
            }
            if (_reattachable.Remove(stageId, out var previous))
            {
                return _stages[stageId] = LocalRun.Reopen(previous);
            }
            var parent = _parent ?? throw new InvalidOperationException("a stage event arrived before RunStarted");
            var tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [MlflowTags.ParentRunId] = parent.RunId,
                [MlflowTags.User] = Environment.UserName,
                [MlflowTags.SourceType] = "LOCAL",
                [MlflowTags.Stage] = stageId,
                [MlflowTags.RunId] = _run!.RunId,
            };
            if (activity is not null)
            {
                tags[MlflowTags.Activity] = activity;
            }
            if (_run.SourceFile is not null)
            {
                tags[MlflowTags.SourceName] = _run.SourceFile;
            }
            var child = _store.CreateRun(parent.ExperimentId, stageId, Environment.UserName, Now(), tags);
            _stages[stageId] = child;
            return child;
        }
    }

    private void LogOutputArtifacts(LocalRun child, JsonObject outputs)
    {
        foreach (var (name, node) in outputs)
        {
            if (!ParamFlattener.IsArtifact(node, out var kind, out var path, out _))
            {
                continue;
            }
            var folder = kind switch
            {
                "EvalReport" => "eval/",
                "Checkpoint" when _logCheckpoints => "checkpoints/",
                _ => null,
            };
            if (folder is null)
            {
                continue;
            }
            if (Directory.Exists(path))
            {
                child.LogArtifactDirectory(path, folder + name);
            }
            else if (File.Exists(path))
            {
                child.LogArtifactFile(path, folder + name + "/" + Path.GetFileName(path));
            }
        }
    }

    private void TryLogChart(LocalRun parent)
    {
        try
        {
            // Every stage run of the parent in the store, whichever process (or earlier attempt) wrote it.
            var runs = RunsOf(parent.ExperimentId, _run!.RunId).Where(r => r.Parent == parent.RunId)
                .Select(r => LocalRunReader.Read(r.Dir)).ToList();
            var metric = runs.Any(r => r.Metrics.ContainsKey(_options.ChartMetric))
                ? _options.ChartMetric
                : runs.SelectMany(r => r.Metrics.Keys).Where(k => k.StartsWith("train/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault();
            if (metric is null)
            {
                return;
            }
            var file = Path.Combine(parent.ArtifactsDirectory, "charts", metric.Replace('/', '_') + ".png");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            MetricChart.Render(MetricChart.PerStage(runs, metric), file);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TypeInitializationException or DllNotFoundException)
        {
            // A chart is a convenience: a missing native library never fails the run's record.
            parent.SetTag("tbrmflow.chart_error", e.Message);
        }
    }
}
