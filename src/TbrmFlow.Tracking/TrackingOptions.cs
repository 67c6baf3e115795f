namespace TbrmFlow.Tracking;

/// <summary>Where and how runs are tracked.</summary>
public sealed record TrackingOptions
{
    /// <summary>The environment variable MLflow's own clients read.</summary>
    public const string TrackingUriVariable = "MLFLOW_TRACKING_URI";

    /// <summary>
    /// <c>http(s)://...</c> for an MLflow server (records are still written to <see cref="LocalStore"/>
    /// first), a directory or <c>file://</c> URI for a local store, or null for
    /// <c>MLFLOW_TRACKING_URI</c> and then <c>./mlruns</c>.
    /// </summary>
    public string? TrackingUri { get; init; }

    /// <summary>The local store used beside a remote server (default <c>./mlruns</c>).</summary>
    public string LocalStore { get; init; } = "mlruns";

    /// <summary>Copy checkpoint outputs into the stage runs' artifacts.</summary>
    public bool LogCheckpoints { get; init; }

    /// <summary>The metric the parent run's chart shows (falls back to the first <c>train/</c> metric).</summary>
    public string ChartMetric { get; init; } = "train/reward_mean";

    /// <summary>Versions the host knows (e.g. <c>libtorch</c>), added to the reproducibility manifest.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the end of a run waits for the server before leaving records for <c>tbrmflow mlflow sync</c>.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The effective tracking URI: the option, else the environment, else null (local only).</summary>
    public string? ResolveRemote()
    {
        var uri = TrackingUri ?? Environment.GetEnvironmentVariable(TrackingUriVariable);
        return uri is not null && (uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            ? uri : null;
    }

    /// <summary>The local store directory: a non-HTTP tracking URI, else <see cref="LocalStore"/>.</summary>
    public string ResolveLocalStore()
    {
        var uri = TrackingUri ?? Environment.GetEnvironmentVariable(TrackingUriVariable);
        if (uri is null || ResolveRemote() is not null)
        {
            return Path.GetFullPath(LocalStore);
        }
        return Path.GetFullPath(uri.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? new Uri(uri).LocalPath : uri);
    }
}
