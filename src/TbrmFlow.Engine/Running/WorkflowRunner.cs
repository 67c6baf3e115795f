using System.Text.Json.Nodes;
using Mediator;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Faults;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Engine.Store;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// Runs a workflow in this process: plans the DAG (matrices expanded), runs ready stages
/// concurrently, records everything in the run store, and resumes interrupted runs.
/// </summary>
/// <param name="sender">The mediator.</param>
/// <param name="catalog">Known activities.</param>
/// <param name="options">Where runs keep their files and how many stages run at once.</param>
public sealed class WorkflowRunner(ISender sender, ActivityCatalog catalog, EngineOptions options) : IWorkflowExecutor
{
    /// <summary>Runs <paramref name="workflow"/> with parameter overrides.</summary>
    /// <exception cref="StageInputException">Bad parameters or a plan that cannot be made (before the run starts).</exception>
    public async Task<RunResult> RunAsync(
        WorkflowDefinition workflow,
        IReadOnlyDictionary<string, JsonNode?> overrides,
        IRunObserver observer,
        CancellationToken cancellationToken)
    {
        var (record, parameters) = NewRun(workflow, overrides);
        using var store = new RunStore(options.ResolvedStorePath);
        using var faults = WriteFaults.Watch(store, cancellationToken);
        RunOwner.Claim(record);
        var state = new RunState(record.Id, parameters, sender, catalog, options, store, observer, faults.Token) { Faults = faults };
        var plan = RunPlanner.Plan(workflow.Stages, state.BaseScope());
        store.SaveRun(record);
        return await ExecuteAsync(workflow, record, state, plan, resumed: false);
    }

    /// <summary>Continues a run that was interrupted (its process died), failed or cancelled: finished stages keep their outputs, the rest run again.</summary>
    /// <exception cref="StageInputException">Unknown run, a run still alive in another process, or a workflow that no longer parses.</exception>
    public async Task<RunResult> ResumeAsync(string runId, IRunObserver observer, CancellationToken cancellationToken)
    {
        using var store = new RunStore(options.ResolvedStorePath);
        using var faults = WriteFaults.Watch(store, cancellationToken);
        var record = store.GetRun(runId) ?? throw new StageInputException($"no run '{runId}' in {store.Path}");
        // The store reads a run whose owner died as interrupted: a live status here has a live owner.
        if (Lifecycle.IsLive(record.Status) && record.Pid != Environment.ProcessId)
        {
            throw new StageInputException($"run '{runId}' is still running (process {record.Pid})");
        }
        WorkflowDefinition workflow;
        try
        {
            workflow = WorkflowParser.Parse(record.SourceText, record.SourceFile ?? "workflow") with { SourceFile = record.SourceFile };
        }
        catch (WorkflowParseException e)
        {
            throw new StageInputException($"the stored workflow of run '{runId}' no longer parses: {e.Message}");
        }
        var parameters = JsonNode.Parse(record.ParamsJson) as JsonObject ?? [];
        var previous = store.GetStages(runId).ToDictionary(s => s.InstanceId, StringComparer.Ordinal);
        var state = new RunState(runId, parameters, sender, catalog, options, store, observer, faults.Token)
        {
            Previous = new(previous, StringComparer.Ordinal),
            Faults = faults,
        };
        var plan = RunPlanner.Plan(workflow.Stages, state.BaseScope());
        record.Status = Lifecycle.Move(record.Status, RunStatus.Running);
        RunOwner.Claim(record);
        record.FinishedAt = null;
        record.Error = null;
        store.SaveRun(record);
        return await ExecuteAsync(workflow, record, state, plan, resumed: true);
    }

    private static async Task<RunResult> ExecuteAsync(WorkflowDefinition workflow, RunRecord record, RunState state, IReadOnlyList<StageInstance> plan, bool resumed)
    {
        var info = new RunInfo
        {
            RunId = record.Id,
            WorkflowName = workflow.Name,
            Experiment = record.Experiment,
            Description = workflow.Description,
            SourceFile = workflow.SourceFile,
            Params = (JsonObject)state.Params.DeepClone(),
            Resumed = resumed,
        };
        state.Observer.RunStarted(info);
        try
        {
            await DagExecutor.RunAsync(state, plan, new ExecutionScope(new OutputTable(null), "", null, null));
        }
        catch (Exception e) when (state.Faults?.Report(e) == true)
        {
            // ended below, as a failed run with one message
        }
        if (state.Faults?.Fault is { } early)
        {
            return WriteFaults.End(state, record, info, early);
        }
        var results = state.Results();
        var status = RunProgress.Outcome(results.Values.Select(r => r.Status), state.Cancellation.IsCancellationRequested);
        record.Status = Lifecycle.Move(record.Status, status);
        record.FinishedAt = DateTime.UtcNow;
        record.Error = RunProgress.Error(results.Select(r => (r.Key, r.Value.Status, r.Value.Error)));
        state.Store.SaveRun(record);
        try
        {
            state.Store.Flush();
        }
        catch (Exception e) when (state.Faults?.Report(e, state.Store.Path) == true)
        {
            return WriteFaults.End(state, record, info, state.Faults.Fault!);
        }
        var final = new RunResult { RunId = record.Id, Status = status, Stages = results };
        state.Observer.RunFinished(info, final);
        return final;
    }

    /// <summary>A new run of <paramref name="workflow"/> (id <c>yyyyMMdd-HHmmss-xxxxxx</c>, running from now) and its bound
    /// parameters: the one place runs are made, in process and on the cluster.</summary>
    /// <exception cref="StageInputException">Unknown parameter or a value that does not fit.</exception>
    public static (RunRecord Record, JsonObject Params) NewRun(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonNode?> overrides)
    {
        var parameters = BindParams(workflow, overrides);
        var record = new RunRecord
        {
            Id = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("n")[..6],
            Workflow = workflow.Name,
            Experiment = workflow.Experiment ?? workflow.Name,
            SourceFile = workflow.SourceFile,
            SourceText = workflow.SourceText ?? "",
            ParamsJson = parameters.ToJsonString(),
            Status = RunStatus.Running,
            StartedAt = DateTime.UtcNow,
        };
        return (record, parameters);
    }

    /// <summary>Resolves parameters: defaults, overridden by <paramref name="overrides"/>, checked against declared types and allowed values.</summary>
    /// <exception cref="StageInputException">Unknown parameter or a value that does not fit.</exception>
    public static JsonObject BindParams(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonNode?> overrides)
    {
        var declared = workflow.Params.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in overrides.Where(o => !declared.Contains(o.Key)))
        {
            var names = workflow.Params.Select(p => p.Name).ToList();
            throw new StageInputException($"unknown parameter '{name}'{Suggest.DidYouMean(name, names)}; parameters are: {(names.Count == 0 ? "(none)" : string.Join(", ", names))}");
        }
        var result = new JsonObject();
        foreach (var p in workflow.Params)
        {
            var value = overrides.TryGetValue(p.Name, out var given) ? ParamValues.Coerce(p, given?.DeepClone()) : p.Default?.DeepClone();
            if (ParamValues.Check(p, value) is { } problem)
            {
                throw new StageInputException($"parameter '{p.Name}' {problem}");
            }
            result[p.Name] = value;
        }
        return result;
    }
}
