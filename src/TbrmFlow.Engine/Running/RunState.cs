using System.Text.Json.Nodes;
using Mediator;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Artifacts;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Engine.Running;

/// <summary>Everything shared by the stages of one run.</summary>
internal sealed class RunState(
    string runId, JsonObject parameters, ISender sender, ActivityCatalog catalog, EngineOptions options,
    IRunStore store, IRunObserver observer, CancellationToken cancellation)
{
    private readonly Lock _gate = new();
    private readonly OrderedDictionary<string, StageResult> _results = new(StringComparer.Ordinal);

    public string RunId => runId;
    public JsonObject Params => parameters;
    public ISender Sender => sender;
    public ActivityCatalog Catalog => catalog;
    public EngineOptions Options => options;
    public IRunStore Store => store;
    public IRunObserver Observer => observer;
    public CancellationToken Cancellation => cancellation;
    public Abstractions.IArtifactStore Artifacts { get; init; } = new LocalArtifactStore(Path.Combine(options.HomeDirectory, "artifacts"));
    public SemaphoreSlim Slots { get; init; } = new(options.Parallel ?? Environment.ProcessorCount);
    public SemaphoreSlim GpuSlots { get; init; } = new(options.Parallel ?? 1);

    /// <summary>GPU devices assigned to this process's stages (cluster workers), or empty.</summary>
    public IReadOnlyList<int> Devices { get; init; } = [];

    /// <summary>How attempts are counted and stamped (in-process: a fresh budget per run; the cluster supplies its own).</summary>
    public IAttemptPolicy Attempts { get; init; } = FreshAttempts.Instance;

    /// <summary>Stops the run at its first write fault (disk full, read-only store); null where nobody listens (cluster jobs).</summary>
    public Faults.WriteFaultLatch? Faults { get; init; }

    /// <summary>Stage records from an earlier attempt at this run (resume), by instance id.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, StageRecord> Previous { get; init; } = new(StringComparer.Ordinal);

    public string StateDirectory(string instanceId)
    {
        var safe = string.Concat(instanceId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or ',' ? c : '_'));
        return Path.Combine(options.HomeDirectory, "runs", runId, "stages", safe);
    }

    public JsonObject BaseScope() => new()
    {
        ["params"] = parameters.DeepClone(),
        ["run"] = new JsonObject { ["id"] = runId },
    };

    public void Record(string instanceId, StageResult result)
    {
        lock (_gate)
        {
            _results[instanceId] = result;
        }
        observer.StageFinished(instanceId, result);
    }

    public OrderedDictionary<string, StageResult> Results()
    {
        lock (_gate)
        {
            return new OrderedDictionary<string, StageResult>(_results, StringComparer.Ordinal);
        }
    }
}
