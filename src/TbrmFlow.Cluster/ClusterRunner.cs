using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Cluster;

/// <summary>
/// The queued executor: creates the run in the cluster database and enqueues its first ready stages
/// (<see cref="StartAsync"/>; the caller may leave), or also waits until workers finished it
/// (<see cref="RunAsync"/>, the same interface as the in-process <see cref="WorkflowRunner"/>).
/// </summary>
/// <param name="cluster">The cluster database.</param>
public sealed class ClusterRunner(ClusterConnection cluster) : IWorkflowExecutor
{
    /// <summary>How often <see cref="WaitAsync"/> reads the run's state.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Where the run is tracked, recorded with it (<see cref="RunRecord.Tracking"/>) so that every worker
    /// tracks its stages there; the tracking module writes and reads it. Null: workers do not track the run.
    /// </summary>
    public string? Tracking { get; init; }

    /// <summary>
    /// Creates the run and enqueues what is ready; returns the run id. <paramref name="observer"/> (e.g. MLflow
    /// tracking) is told <see cref="IRunObserver.RunStarted"/> before any stage can start; the workers report
    /// the stages and the end.
    /// </summary>
    /// <exception cref="StageInputException">Bad parameters or a plan that cannot be made.</exception>
    public Task<string> StartAsync(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonNode?> overrides, IRunObserver? observer = null)
    {
        var (record, _) = WorkflowRunner.NewRun(workflow, overrides);
        var runId = record.Id;
        record.Tracking = Tracking; // no owner process (Pid 0): workers run it
        // Plan before storing: a matrix that cannot be expanded is the caller's error, not a failed run.
        _ = RunPlans.Load(record);
        foreach (var stage in workflow.Stages.Where(s => !StageQueues.IsValidName(StageQueues.For(s))))
        {
            throw new StageInputException($"stage '{stage.Id}': resources.queue '{StageQueues.For(stage)}' may only hold lowercase letters, digits and '_'");
        }
        cluster.Store.SaveRun(record);
        observer?.RunStarted(StoredRuns.ToInfo(record, workflow.Description));
        if (RunAdvancer.Advance(cluster, runId).Closed && cluster.Store.GetRun(runId) is { } closed)
        {
            observer?.RunFinished(StoredRuns.ToInfo(closed, workflow.Description), StoredRuns.ToResult(closed, cluster.Store.GetStages(runId)));
        }
        return Task.FromResult(runId);
    }

    /// <summary>Waits until the run ended (a cancelling run: until its running stages stopped); reports stage state changes to <paramref name="observer"/>.</summary>
    public async Task<RunResult> WaitAsync(string runId, IRunObserver observer, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, StageStatus>(StringComparer.Ordinal);
        while (true)
        {
            var run = cluster.Store.GetRun(runId) ?? throw new StageInputException($"no run '{runId}' in {cluster.Store.Path}");
            var stages = cluster.Store.GetStages(runId);
            foreach (var stage in stages.Where(s => !seen.TryGetValue(s.InstanceId, out var was) || was != s.Status))
            {
                seen[stage.InstanceId] = stage.Status;
                observer.StageStateChanged(stage.InstanceId, stage.Status, stage.Error);
            }
            if (!Lifecycle.IsLive(run.Status))
            {
                return StoredRuns.ToResult(run, stages);
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<RunResult> RunAsync(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonNode?> overrides, IRunObserver observer, CancellationToken cancellationToken)
    {
        var runId = await StartAsync(workflow, overrides, observer);
        return await WaitAsync(runId, observer, cancellationToken);
    }
}
