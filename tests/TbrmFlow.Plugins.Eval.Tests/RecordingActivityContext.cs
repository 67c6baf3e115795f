using TbrmFlow.Abstractions;
using TbrmFlow.Engine.Artifacts;

namespace TbrmFlow.Plugins.Eval.Tests;

/// <summary>A real activity context for handler tests: a LocalArtifactStore in a temp directory; metrics and logs are kept in lists.</summary>
public sealed class RecordingActivityContext : IActivityContext, IActivityContextAccessor, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tbrmflow-eval-").FullName;

    public RecordingActivityContext()
    {
        Artifacts = new LocalArtifactStore(Path.Combine(_root, "artifacts"));
        StateDirectory = Directory.CreateDirectory(Path.Combine(_root, "state")).FullName;
    }

    public string Root => _root;
    public string RunId => "test-run";
    public string StageId => "test-stage";
    public int Attempt => 1;
    public string StateDirectory { get; }
    public IArtifactStore Artifacts { get; }
    public IActivityContext Current => this;
    public List<(long Step, IReadOnlyDictionary<string, double> Metrics)> Metrics { get; } = [];
    public List<string> Logs { get; } = [];

    public void ReportProgress(long done, long total, string? message = null)
    {
    }

    public void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics) => Metrics.Add((step, metrics));

    public void Log(string message) => Logs.Add(message);

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
