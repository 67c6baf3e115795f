using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Engine.Tests;

/// <summary>A temporary engine home with a real engine; deleted on dispose.</summary>
public sealed class TestHome : IDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="parallel">Stages at once.</param>
    /// <param name="noCache">Turns the cache off.</param>
    /// <param name="dataRoots">As the server sets them: only these directories (and the artifact store) may be read.</param>
    public TestHome(int? parallel = null, bool noCache = false, IReadOnlyList<string>? dataRoots = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "tbrmflow-test-" + Guid.NewGuid().ToString("n")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        Options = new EngineOptions { HomeDirectory = Directory, Parallel = parallel, NoCache = noCache, DataRoots = dataRoots?.Select(r => Path.Combine(Directory, r)).ToList() };
        _services = EngineHost.Build(Options);
    }

    public string Directory { get; }

    public EngineOptions Options { get; }

    public WorkflowRunner Runner => EngineHost.Runner(_services);

    /// <summary>Runs one stage instance of a stored run, as cluster workers do.</summary>
    public StageInstanceRunner InstanceRunner => _services.GetRequiredService<StageInstanceRunner>();

    public string File(string name) => Path.Combine(Directory, name);

    public Task<RunResult> RunAsync(string yaml, IRunObserver? observer = null, Dictionary<string, JsonNode?>? overrides = null, CancellationToken ct = default) =>
        Runner.RunAsync(WorkflowParser.Parse(yaml, "test.yaml"), overrides ?? [], observer ?? new RecordingObserver(), ct);

    public RunStore OpenStore() => new(Options.ResolvedStorePath);

    public void Dispose()
    {
        _services.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
