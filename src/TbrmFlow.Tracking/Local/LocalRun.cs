using System.Globalization;
using System.Text;

namespace TbrmFlow.Tracking.Local;

/// <summary>
/// One run in an <see cref="MlflowFileStore"/>. Every record is on disk (flushed to the operating
/// system) when the call returns, so killing the process loses nothing already logged. Thread-safe.
/// </summary>
public sealed class LocalRun
{
    private readonly Lock _lock = new();
    private readonly long _startTimeMs;
    private readonly string _userId;
    private readonly string _artifactUri;
    private MlflowRunStatus _status = MlflowRunStatus.Running;
    private long? _endTimeMs;
    private readonly bool _resumed;

    /// <summary>Per metric key: the steps its file holds (read on the key's first write), and whether the
    /// key was written since this object opened the run.</summary>
    private readonly Dictionary<string, HashSet<long>> _steps = new(StringComparer.Ordinal);

    internal LocalRun(string directory, string experimentId, string runId, string runName, string userId, long startTimeMs, string artifactUri, bool resumed = false)
    {
        _resumed = resumed;
        Directory = directory;
        ExperimentId = experimentId;
        RunId = runId;
        RunName = runName;
        _userId = userId;
        _startTimeMs = startTimeMs;
        _artifactUri = artifactUri;
    }

    /// <summary>Re-opens an existing run (a resumed workflow run continues it) and marks it RUNNING again.</summary>
    /// <remarks>A resumed stage replays the steps after its last checkpoint: the first value of each metric
    /// written after a reopen drops that metric's lines at its step and later (see <see cref="LogMetrics"/>).</remarks>
    public static LocalRun Reopen(string directory)
    {
        var run = Open(directory, resumed: true);
        run.WriteMeta();
        return run;
    }

    /// <summary>
    /// Opens an existing run as it is, without touching its <c>meta.yaml</c>: a cluster worker logs into the
    /// parent run another process created and will finish. Its status stays whatever that file says until
    /// <see cref="Finish"/>.
    /// </summary>
    public static LocalRun Open(string directory) => Open(directory, resumed: false);

    private static LocalRun Open(string directory, bool resumed)
    {
        var meta = MetaYaml.Read(Path.Combine(directory, "meta.yaml"));
        return new LocalRun(
            directory, meta["experiment_id"]!, meta["run_id"]!, meta.GetValueOrDefault("run_name") ?? "", meta.GetValueOrDefault("user_id") ?? "",
            long.Parse(meta.GetValueOrDefault("start_time") ?? "0", CultureInfo.InvariantCulture), meta.GetValueOrDefault("artifact_uri") ?? "", resumed);
    }

    /// <summary>The run's directory.</summary>
    public string Directory { get; }

    /// <summary>The experiment's id.</summary>
    public string ExperimentId { get; }

    /// <summary>The run's id (32 hex digits, as MLflow makes them).</summary>
    public string RunId { get; }

    /// <summary>The run's display name.</summary>
    public string RunName { get; }

    /// <summary>Where artifacts go.</summary>
    public string ArtifactsDirectory => Path.Combine(Directory, "artifacts");

    /// <summary>Logs a param. Params are immutable: the same value again is fine, another one throws.</summary>
    public void LogParam(string key, string value)
    {
        var path = Resource("params", key);
        lock (_lock)
        {
            if (File.Exists(path))
            {
                var current = File.ReadAllText(path);
                if (current != value)
                {
                    throw new InvalidOperationException($"param '{key}' was already logged as '{current}', not '{value}'");
                }
                return;
            }
            AtomicFile.Write(path, value, Directory);
        }
    }

    /// <summary>Sets (or replaces) a tag.</summary>
    public void SetTag(string key, string value)
    {
        var path = Resource("tags", key);
        lock (_lock)
        {
            AtomicFile.Write(path, value, Directory);
        }
    }

    /// <summary>
    /// Records metric values at <paramref name="step"/>, each as a line <c>timestamp value step</c>. A metric is keyed by
    /// (run, key, step): a step the key's file already holds is replaced, never duplicated. In a run reopened by a
    /// resume, the first value of each key drops every line of that key at <paramref name="step"/> or later: those steps
    /// were logged after the checkpoint the stage resumed from and are about to be replayed. Appending costs one write;
    /// only a replayed step rewrites the file (atomically).
    /// </summary>
    public void LogMetrics(long step, long timestampMs, IEnumerable<KeyValuePair<string, double>> metrics)
    {
        lock (_lock)
        {
            foreach (var (key, value) in metrics)
            {
                var file = Resource("metrics", key);
                if (!_steps.TryGetValue(key, out var steps))
                {
                    // First write of this key by this object: learn the file's steps (and drop a line cut short by a kill).
                    var cut = false;
                    var lines = File.Exists(file) ? MetricFile.Read(file, out cut) : [];
                    var keep = lines.Where(p => _resumed ? p.Step < step : p.Step != step).ToList();
                    if (keep.Count != lines.Count || cut)
                    {
                        MetricFile.Rewrite(file, keep, Directory);
                    }
                    _steps[key] = steps = [.. keep.Select(p => p.Step)];
                }
                else if (steps.Contains(step))
                {
                    MetricFile.Rewrite(file, [.. MetricFile.Read(file, out _).Where(p => p.Step != step)], Directory);
                }
                var line = MetricFile.Line(new MetricPoint(timestampMs, value, step));
                using var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
                stream.Write(Encoding.UTF8.GetBytes(line));
                stream.Flush();
                steps.Add(step);
            }
        }
    }

    /// <summary>Ends the run with <paramref name="status"/>.</summary>
    public void Finish(MlflowRunStatus status, long endTimeMs)
    {
        lock (_lock)
        {
            _status = status;
            _endTimeMs = endTimeMs;
            WriteMeta();
        }
    }

    /// <summary>Copies a file into the run's artifacts under <paramref name="artifactPath"/>.</summary>
    public void LogArtifactFile(string file, string artifactPath)
    {
        var target = Path.Combine(ArtifactsDirectory, artifactPath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target, overwrite: true);
    }

    /// <summary>Copies a directory tree into the run's artifacts under <paramref name="artifactPath"/>.</summary>
    public void LogArtifactDirectory(string directory, string artifactPath)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            LogArtifactFile(file, Path.Combine(artifactPath, Path.GetRelativePath(directory, file)));
        }
    }

    /// <summary>Writes text as an artifact.</summary>
    public void LogArtifactText(string text, string artifactPath)
    {
        var target = Path.Combine(ArtifactsDirectory, artifactPath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        AtomicFile.Write(target, text, Directory);
    }

    /// <summary>MLflow writes metric values as Python's <c>str(float)</c>: <c>nan</c>, <c>inf</c>, <c>-inf</c>.</summary>
    internal static string FormatValue(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal void WriteMeta()
    {
        lock (_lock)
        {
            AtomicFile.Write(Path.Combine(Directory, "meta.yaml"), MetaYaml.Write(
            [
                new("artifact_uri", _artifactUri),
                new("end_time", _endTimeMs),
                new("entry_point_name", ""),
                new("experiment_id", ExperimentId),
                new("lifecycle_stage", "active"),
                new("run_id", RunId),
                new("run_name", RunName),
                new("run_uuid", RunId),
                new("source_name", ""),
                new("source_type", 4L),
                new("source_version", ""),
                new("start_time", _startTimeMs),
                new("status", (long)_status),
                new("tags", Array.Empty<object>()),
                new("user_id", _userId),
            ]));
        }
    }

    /// <summary>A key's file; <c>/</c> in a key makes subdirectories, as in MLflow.</summary>
    private string Resource(string kind, string key)
    {
        if (!MlflowKeys.IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a valid MLflow key", nameof(key));
        }
        var path = Path.Combine(Directory, kind, key);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
