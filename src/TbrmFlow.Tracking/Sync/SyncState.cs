using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Sync;

/// <summary>
/// What of one local run a given server already has, kept beside the run in
/// <c>&lt;run&gt;/.tbrmflow-sync/&lt;server hash&gt;.json</c> (MLflow ignores the folder).
/// </summary>
public sealed class SyncState
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The server.</summary>
    public string Server { get; set; } = "";

    /// <summary>The remote run's id once created.</summary>
    public string? RemoteRunId { get; set; }

    /// <summary>The remote experiment id.</summary>
    public string? RemoteExperimentId { get; set; }

    /// <summary>The remote run's artifact URI.</summary>
    public string? ArtifactUri { get; set; }

    /// <summary>A runs/create was sent and its answer may have been lost.</summary>
    public bool Creating { get; set; }

    /// <summary>A log-batch was sent and its answer may have been lost: reconcile metrics before sending more.</summary>
    public bool InFlight { get; set; }

    /// <summary>Params the server has.</summary>
    public HashSet<string> Params { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tags the server has, with their values.</summary>
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per metric key: the highest step the server has. A metric is keyed by (run, key, step) and MLflow's
    /// log-batch cannot replace a point (the same step again adds a second one), so steps at or below it are never
    /// sent again, also when a resume replays them locally.</summary>
    public Dictionary<string, long> MetricSteps { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Written by versions before <see cref="MetricSteps"/>: per metric key, how many lines of the local file
    /// the server has. Converted to steps when the state is loaded, then empty.</summary>
    public Dictionary<string, int> MetricLines { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Uploaded artifacts: relative path to size and last write time.</summary>
    public Dictionary<string, string> Artifacts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The terminal status sent with runs/update, if any.</summary>
    public MlflowRunStatus? StatusSent { get; set; }

    /// <summary>The state file of <paramref name="runDirectory"/> for <paramref name="server"/>.</summary>
    public static string PathFor(string runDirectory, Uri server) =>
        Path.Combine(runDirectory, ".tbrmflow-sync", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(server.AbsoluteUri)))[..16] + ".json");

    /// <summary>Loads the state, or a fresh one.</summary>
    public static SyncState Load(string runDirectory, Uri server)
    {
        var path = PathFor(runDirectory, server);
        var state = File.Exists(path)
            ? JsonSerializer.Deserialize<SyncState>(File.ReadAllText(path), Json) ?? new SyncState { Server = server.AbsoluteUri }
            : new SyncState { Server = server.AbsoluteUri };
        foreach (var (key, lines) in state.MetricLines)
        {
            // The old state counted lines of the file as it was: the highest step among them is what the server has.
            var file = Path.Combine(runDirectory, "metrics", key);
            var sent = File.Exists(file) ? MetricFile.Read(file, out _).Take(lines).ToList() : [];
            if (sent.Count > 0)
            {
                state.MetricSteps[key] = Math.Max(state.MetricSteps.GetValueOrDefault(key, long.MinValue), sent.Max(p => p.Step));
            }
        }
        state.MetricLines.Clear();
        return state;
    }

    /// <summary>The points of <paramref name="points"/> (one per step, in step order) that the server lacks.</summary>
    public IEnumerable<MetricPoint> Unsent(string key, IEnumerable<MetricPoint> points) =>
        MetricSteps.TryGetValue(key, out var sent) ? points.Where(p => p.Step > sent) : points;

    /// <summary>Saves the state atomically.</summary>
    public void Save(string runDirectory, Uri server)
    {
        var path = PathFor(runDirectory, server);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, JsonSerializer.Serialize(this, Json));
    }
}
