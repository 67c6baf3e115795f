using System.Text.Json.Nodes;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Engine.Store;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Engine.Running;

/// <summary>How a worker runs one stage instance (cluster mode).</summary>
public sealed record StageInstanceSettings
{
    /// <summary>Artifacts are written here (a directory every worker sees, e.g. an NFS mount).</summary>
    public required IArtifactStore Artifacts { get; init; }

    /// <summary>GPU devices assigned to the stage (empty: none).</summary>
    public IReadOnlyList<int> Devices { get; init; } = [];

    /// <summary>How the scheduler counts and stamps attempts (the cluster's: continue from the store, lost ones not
    /// charged, each names its worker).</summary>
    public IAttemptPolicy Attempts { get; init; } = FreshAttempts.Instance;

    /// <summary>Latches the stage's first write fault (disk full, read-only store) and stops it, as in process; the
    /// worker then ends the run (pass its <see cref="Faults.WriteFaultLatch.Token"/> as the cancellation).</summary>
    public Faults.WriteFaultLatch? Faults { get; init; }
}

/// <summary>
/// Runs ONE top-level stage instance of a stored run, the way <see cref="DagExecutor"/> runs it in
/// process (condition, cache, retries, timeout, repeat), with the outputs of its finished
/// dependencies read from the store. Cluster workers call this for each job.
/// </summary>
/// <param name="sender">The mediator.</param>
/// <param name="catalog">Known activities.</param>
/// <param name="options">Home directory (state directories live under it; shared in a cluster).</param>
public sealed class StageInstanceRunner(ISender sender, ActivityCatalog catalog, EngineOptions options)
{
    /// <summary>
    /// Runs <paramref name="instanceId"/> of <paramref name="run"/>. Attempt numbers continue from the
    /// store and the retry budget is the settings' policy's; the state directory is
    /// the same on every worker, so the activity resumes from its last checkpoint.
    /// </summary>
    /// <exception cref="StageInputException">The stored workflow no longer parses or has no such instance.</exception>
    public async Task<StageResult> RunAsync(IRunStore store, RunRecord run, string instanceId, StageInstanceSettings settings, IRunObserver observer, CancellationToken cancellationToken)
    {
        var (_, plan) = RunPlans.Load(run);
        var instance = plan.FirstOrDefault(i => i.Id == instanceId)
            ?? throw new StageInputException($"run '{run.Id}' has no stage instance '{instanceId}'");
        var previous = store.GetStages(run.Id).ToDictionary(s => s.InstanceId, StringComparer.Ordinal);
        var parameters = JsonNode.Parse(run.ParamsJson) as JsonObject ?? [];
        var state = new RunState(run.Id, parameters, sender, catalog, options, store, observer, cancellationToken)
        {
            Previous = new(previous, StringComparer.Ordinal),
            Artifacts = settings.Artifacts,
            Slots = new SemaphoreSlim(1),
            GpuSlots = new SemaphoreSlim(1),
            Devices = settings.Devices,
            Attempts = settings.Attempts,
            Faults = settings.Faults,
        };
        var table = new OutputTable(null);
        foreach (var other in plan)
        {
            table.Declare(other.Stage.Id, other.Id);
            if (previous.TryGetValue(other.Id, out var done) && Lifecycle.HasOutputs(done.Status))
            {
                table.Set(other.Id, StageResults.FromRecord(done).Outputs);
            }
        }
        var result = await DagExecutor.ExecuteAsync(state, instance, new ExecutionScope(table, "", null, null));
        store.Flush();
        return result;
    }
}

/// <summary>The plan of a stored run.</summary>
public static class RunPlans
{
    /// <summary>Parses the run's stored workflow text and plans its top-level instances.</summary>
    /// <exception cref="StageInputException">The stored workflow no longer parses or cannot be planned.</exception>
    public static (WorkflowDefinition Workflow, IReadOnlyList<StageInstance> Plan) Load(RunRecord run)
    {
        WorkflowDefinition workflow;
        try
        {
            workflow = WorkflowParser.Parse(run.SourceText, run.SourceFile ?? "workflow") with { SourceFile = run.SourceFile };
        }
        catch (WorkflowParseException e)
        {
            throw new StageInputException($"the stored workflow of run '{run.Id}' no longer parses: {e.Message}");
        }
        var scope = new JsonObject
        {
            ["params"] = JsonNode.Parse(run.ParamsJson) ?? new JsonObject(),
            ["run"] = new JsonObject { ["id"] = run.Id },
        };
        return (workflow, RunPlanner.Plan(workflow.Stages, scope));
    }
}
