using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster;

/// <summary>
/// Tells tracking (MLflow) what the cluster decided outside a stage's own run: instances it ended without
/// running them (skipped because a dependency did not succeed: the in-process engine reports those too, as
/// finished stages with their reason) and the end of the run, told by whoever closed it (the parent MLflow run
/// is finished there). Anyone who ends stages or closes a run without a stage job (an advance, a cancel)
/// calls <see cref="Report"/>. Tracking never fails the caller: a problem goes to its log.
/// </summary>
public static class RunTracking
{
    /// <summary>Reports <paramref name="notRun"/> and, when <paramref name="closed"/>, the run's end.</summary>
    /// <param name="cluster">The cluster database.</param>
    /// <param name="tracking">The observer factory (<see cref="WorkerOptions.Tracking"/>); null: nothing is tracked.</param>
    /// <param name="runId">The run.</param>
    /// <param name="notRun">Instances that ended without running (their records say how).</param>
    /// <param name="closed">The caller closed the run.</param>
    /// <param name="observer">The stage job's observer, if there is one (else one is made for the run).</param>
    /// <param name="log">Where a tracking failure is said.</param>
    public static void Report(ClusterConnection cluster, Func<RunRecord, IRunObserver>? tracking, string runId, IReadOnlyCollection<string> notRun, bool closed,
        IRunObserver? observer, Action<string> log)
    {
        if (tracking is null || (!closed && notRun.Count == 0))
        {
            return;
        }
        try
        {
            if (cluster.Store.GetRun(runId) is not { } run)
            {
                return;
            }
            observer ??= tracking(run);
            var result = StoredRuns.ToResult(run, cluster.Store.GetStages(runId));
            foreach (var id in notRun.Where(result.Stages.ContainsKey))
            {
                observer.StageFinished(id, result.Stages[id]);
            }
            if (closed)
            {
                string? description = null;
                try
                {
                    description = RunPlans.Load(run).Workflow.Description;
                }
                catch (StageInputException)
                {
                    // recorded without the description
                }
                observer.RunFinished(StoredRuns.ToInfo(run, description), result);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The run goes on in the store whatever happens to its tracking.
            log($"{runId}: tracking failed: {e.Message}");
        }
    }
}
