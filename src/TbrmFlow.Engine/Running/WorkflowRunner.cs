using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Artifacts;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// Runs a workflow in this process: stages in dependency order, each bound to its activity's
/// request type and sent through the mediator.
/// </summary>
/// <param name="sender">The mediator.</param>
/// <param name="catalog">Known activities.</param>
/// <param name="options">Where runs keep their files.</param>
public sealed class WorkflowRunner(ISender sender, ActivityCatalog catalog, EngineOptions options)
{
    /// <summary>Runs <paramref name="workflow"/> with parameter overrides.</summary>
    public async Task<RunResult> RunAsync(
        WorkflowDefinition workflow,
        IReadOnlyDictionary<string, JsonNode?> overrides,
        IRunObserver observer,
        CancellationToken cancellationToken)
    {
        var runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Guid.NewGuid().ToString("n")[..6];
        var store = new LocalArtifactStore(Path.Combine(options.HomeDirectory, "artifacts"));
        var scope = new JsonObject
        {
            ["params"] = BindParams(workflow, overrides),
            ["stages"] = new JsonObject(),
            ["run"] = new JsonObject { ["id"] = runId },
        };
        var run = new RunInfo
        {
            RunId = runId,
            WorkflowName = workflow.Name,
            Experiment = workflow.Experiment ?? workflow.Name,
            Description = workflow.Description,
            SourceFile = workflow.SourceFile,
            Params = (JsonObject)scope["params"]!.DeepClone(),
        };
        observer.RunStarted(run);
        var results = new Dictionary<string, StageResult>(StringComparer.Ordinal);
        var status = RunStatus.Succeeded;
        foreach (var stage in workflow.Stages)
        {
            if (status != RunStatus.Succeeded)
            {
                results[stage.Id] = Skipped("an earlier stage did not succeed");
                observer.StageStateChanged(stage.Id, StageStatus.Skipped);
                observer.StageFinished(stage.Id, results[stage.Id]);
                continue;
            }
            var result = await RunStageAsync(runId, stage, scope, store, observer, cancellationToken);
            results[stage.Id] = result;
            observer.StageFinished(stage.Id, result);
            scope["stages"]![stage.Id] = new JsonObject { ["outputs"] = result.Outputs.DeepClone() };
            status = result.Status switch
            {
                StageStatus.Cancelled => RunStatus.Cancelled,
                StageStatus.Failed => RunStatus.Failed,
                _ => status,
            };
        }
        var final = new RunResult { RunId = runId, Status = status, Stages = results };
        observer.RunFinished(run, final);
        return final;
    }

    private async Task<StageResult> RunStageAsync(
        string runId, StageDefinition stage, JsonObject scope, LocalArtifactStore store, IRunObserver observer, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var stateDir = Path.Combine(options.HomeDirectory, "runs", runId, "stages", stage.Id);
        Directory.CreateDirectory(stateDir);
        var context = new StageContext(runId, stage.Id, 1, stateDir, store, observer);
        observer.StageStateChanged(stage.Id, StageStatus.Running);
        try
        {
            if (!catalog.TryGet(stage.Uses, out var descriptor))
            {
                throw new StageInputException($"unknown activity '{stage.Uses}'");
            }
            var inputs = (JsonObject)SimpleExpressions.Resolve(stage.With, scope)!;
            var request = Bind(descriptor, inputs);
            observer.StageStarted(new StageInfo
            {
                RunId = runId,
                StageId = stage.Id,
                Activity = descriptor.Type,
                ActivityVersion = descriptor.Version,
                Inputs = inputs,
                Attempt = 1,
            });
            object? response;
            using (ActivityContextAccessor.Enter(context))
            {
                response = await sender.Send(request, cancellationToken);
            }
            var outputs = JsonSerializer.SerializeToNode(response, descriptor.ResultType, ActivityJson.Options) as JsonObject ?? [];
            observer.StageStateChanged(stage.Id, StageStatus.Succeeded);
            return new StageResult
            {
                Status = StageStatus.Succeeded,
                Attempts = 1,
                DurationS = clock.Elapsed.TotalSeconds,
                Outputs = outputs,
                Metrics = context.LastMetrics,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            observer.StageStateChanged(stage.Id, StageStatus.Cancelled);
            return Finished(StageStatus.Cancelled, clock, context, "cancelled");
        }
        catch (Exception e)
        {
            var message = e is StageInputException or JsonException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            observer.StageStateChanged(stage.Id, StageStatus.Failed, message);
            return Finished(StageStatus.Failed, clock, context, message);
        }
    }

    private static object Bind(ActivityDescriptor descriptor, JsonObject inputs)
    {
        try
        {
            return inputs.Deserialize(descriptor.RequestType, ActivityJson.Options)
                ?? throw new StageInputException($"{descriptor.Type}: inputs bound to nothing");
        }
        catch (JsonException e)
        {
            var allowed = string.Join(", ", descriptor.Inputs.Select(i => i.Name));
            throw new StageInputException($"{descriptor.Type}: bad input ({e.Message}); inputs are: {allowed}");
        }
    }

    private static JsonObject BindParams(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonNode?> overrides)
    {
        var result = new JsonObject();
        foreach (var p in workflow.Params)
        {
            result[p.Name] = overrides.TryGetValue(p.Name, out var value) ? value?.DeepClone() : p.Default?.DeepClone();
        }
        foreach (var (name, _) in overrides.Where(o => workflow.Params.All(p => p.Name != o.Key)))
        {
            throw new StageInputException($"unknown parameter '{name}'; parameters are: {string.Join(", ", workflow.Params.Select(p => p.Name))}");
        }
        return result;
    }

    private static StageResult Skipped(string why) => new()
    {
        Status = StageStatus.Skipped,
        Attempts = 0,
        DurationS = 0,
        Outputs = [],
        Metrics = new Dictionary<string, double>(),
        Error = why,
    };

    private static StageResult Finished(StageStatus status, Stopwatch clock, StageContext context, string error) => new()
    {
        Status = status,
        Attempts = 1,
        DurationS = clock.Elapsed.TotalSeconds,
        Outputs = [],
        Metrics = context.LastMetrics,
        Error = error,
    };
}
