using TbrmFlow.Abstractions;
using TbrmFlow.Engine.Artifacts;

namespace TbrmFlow.Testing;

/// <summary>A real activity context for handler tests: a LocalArtifactStore in a temp directory; metrics and logs are kept in lists.</summary>
public sealed class RecordingActivityContext : IActivityContext, IActivityContextAccessor, IDisposable
{
    /// <summary>Creates the context in a new temporary directory.</summary>
    public RecordingActivityContext()
    {
        Root = Directory.CreateTempSubdirectory("tbrmflow-test-").FullName;
        Artifacts = new LocalArtifactStore(Path.Combine(Root, "artifacts"));
        StateDirectory = Directory.CreateDirectory(Path.Combine(Root, "state")).FullName;
    }

    /// <summary>The temporary directory (deleted on dispose).</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string RunId => "test-run";

    /// <inheritdoc />
    public string StageId => "test-stage";

    /// <inheritdoc />
    public int Attempt => 1;

    /// <inheritdoc />
    public string StateDirectory { get; }

    /// <inheritdoc />
    public IArtifactStore Artifacts { get; }

    /// <inheritdoc />
    public IActivityContext Current => this;

    /// <summary>Every LogMetrics call, in order.</summary>
    public List<(long Step, IReadOnlyDictionary<string, double> Metrics)> Metrics { get; } = [];

    /// <summary>Every Log line, in order.</summary>
    public List<string> Logs { get; } = [];

    /// <inheritdoc />
    public void ReportProgress(long done, long total, string? message = null)
    {
    }

    /// <inheritdoc />
    public void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics) => Metrics.Add((step, metrics));

    /// <inheritdoc />
    public void Log(string message) => Logs.Add(message);

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Root, recursive: true);
}
