using System.Security.Cryptography;

namespace TbrmFlow.Tracking.Local;

/// <summary>
/// A tracking store in MLflow's file-store layout (what <c>mlflow ui --backend-store-uri DIR</c>
/// reads): <c>DIR/&lt;experiment_id&gt;/meta.yaml</c>, <c>DIR/&lt;experiment_id&gt;/&lt;run_id&gt;/meta.yaml</c>,
/// with <c>metrics/</c>, <c>params/</c>, <c>tags/</c> and <c>artifacts/</c> beside it. Experiment 0
/// is <c>Default</c>. Thread-safe.
/// </summary>
public sealed class MlflowFileStore
{
    /// <summary>The id of MLflow's default experiment.</summary>
    public const string DefaultExperimentId = "0";

    private readonly Lock _lock = new();

    /// <summary>Opens (and creates when missing, with the Default experiment) the store at <paramref name="root"/>.</summary>
    public MlflowFileStore(string root)
    {
        Root = Path.GetFullPath(root);
        lock (_lock)
        {
            Directory.CreateDirectory(Root);
            Directory.CreateDirectory(Path.Combine(Root, ".trash"));
            if (!File.Exists(Path.Combine(Root, DefaultExperimentId, "meta.yaml")))
            {
                WriteExperiment(DefaultExperimentId, "Default");
            }
        }
    }

    /// <summary>The store's absolute directory.</summary>
    public string Root { get; }

    /// <summary>The id of the active experiment named <paramref name="name"/>, created when missing.</summary>
    public string GetOrCreateExperiment(string name)
    {
        lock (_lock)
        {
            if (FindExperiment(name) is { } existing)
            {
                return existing;
            }
            string id;
            do
            {
                // MLflow's file store gives new experiments a random positive integer id.
                id = RandomNumberGenerator.GetInt32(1, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            while (Directory.Exists(Path.Combine(Root, id)) || Directory.Exists(Path.Combine(Root, ".trash", id)));
            WriteExperiment(id, name);
            return id;
        }
    }

    /// <summary>The id of the active experiment named <paramref name="name"/>, or null.</summary>
    public string? FindExperiment(string name)
    {
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var meta = Path.Combine(dir, "meta.yaml");
            if (File.Exists(meta) && MetaYaml.Read(meta) is var fields
                && fields.GetValueOrDefault("name") == name && fields.GetValueOrDefault("lifecycle_stage") == "active")
            {
                return Path.GetFileName(dir);
            }
        }
        return null;
    }

    /// <summary>Where runs are assembled before they appear in their experiment (a dot folder: not an experiment).</summary>
    public const string StagingFolder = ".tbrmflow-staging";

    /// <summary>
    /// Creates a RUNNING run; tags are written before this returns. All or nothing: the run is assembled (meta.yaml,
    /// tags, folders) under <see cref="StagingFolder"/> and renamed into its experiment, so a full disk or a read-only
    /// store leaves no run directory without meta.yaml behind (the staging copy is removed; one left by a kill is
    /// removed by <see cref="MlflowRepair"/>).
    /// </summary>
    public LocalRun CreateRun(string experimentId, string runName, string userId, long startTimeMs, IReadOnlyDictionary<string, string> tags)
    {
        var runId = Guid.NewGuid().ToString("n");
        var dir = Path.Combine(Root, experimentId, runId);
        var staging = Path.Combine(Root, StagingFolder, runId);
        var artifactUri = new Uri(Path.Combine(dir, "artifacts")).AbsoluteUri;
        try
        {
            foreach (var sub in (string[])["metrics", "params", "tags", "artifacts"])
            {
                Directory.CreateDirectory(Path.Combine(staging, sub));
            }
            var draft = new LocalRun(staging, experimentId, runId, runName, userId, startTimeMs, artifactUri);
            draft.WriteMeta();
            draft.SetTag(MlflowTags.RunName, runName);
            foreach (var (key, value) in tags)
            {
                draft.SetTag(key, value);
            }
            Directory.Move(staging, dir);
            TryRemoveEmptyStaging();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            throw;
        }
        return new LocalRun(dir, experimentId, runId, runName, userId, startTimeMs, artifactUri);
    }

    /// <summary>MLflow would list a leftover staging folder as a malformed experiment: it only exists while a run is made.</summary>
    internal void TryRemoveEmptyStaging()
    {
        try
        {
            Directory.Delete(Path.Combine(Root, StagingFolder), recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // another run is being made (not empty), or it is already gone
        }
    }

    internal static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a read-only store keeps it: MlflowRepair removes it later
        }
    }

    /// <summary>Every run directory of every active experiment.</summary>
    public IEnumerable<string> RunDirectories() =>
        Directory.EnumerateDirectories(Root)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, "meta.yaml")))
            .SelectMany(Directory.EnumerateDirectories)
            .Where(d => File.Exists(Path.Combine(d, "meta.yaml")));

    /// <summary>The directory of run <paramref name="runId"/>, or null.</summary>
    public string? FindRun(string runId) => RunDirectories().FirstOrDefault(d => Path.GetFileName(d) == runId);

    private void WriteExperiment(string id, string name)
    {
        var dir = Path.Combine(Root, id);
        Directory.CreateDirectory(dir);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        AtomicFile.Write(Path.Combine(dir, "meta.yaml"), MetaYaml.Write(
        [
            new("artifact_location", new Uri(dir).AbsoluteUri),
            new("creation_time", now),
            new("experiment_id", id),
            new("last_update_time", now),
            new("lifecycle_stage", "active"),
            new("name", name),
        ]));
    }
}
