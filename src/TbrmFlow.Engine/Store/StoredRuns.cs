using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>Turns stored records back into the <see cref="RunResult"/> that <c>run --json</c> prints.</summary>
public static class StoredRuns
{
    /// <summary>The result of a stored run; a run still marked running reports as failed only when it has a failed stage.</summary>
    public static RunResult ToResult(RunRecord run, IEnumerable<StageRecord> stages)
    {
        var results = new OrderedDictionary<string, StageResult>(StringComparer.Ordinal);
        foreach (var stage in stages)
        {
            results[stage.InstanceId] = StageResults.FromRecord(stage);
        }
        var status = run.Status switch
        {
            "succeeded" => RunStatus.Succeeded,
            "cancelled" => RunStatus.Cancelled,
            _ => RunStatus.Failed,
        };
        return new RunResult { RunId = run.Id, Status = status, Stages = results };
    }
}
