using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>Turns stored records back into the <see cref="RunResult"/> that <c>run --json</c> prints.</summary>
public static class StoredRuns
{
    /// <summary>What observers are told about a stored run (cluster runs: the submitter and every worker build the same).</summary>
    /// <param name="run">The run.</param>
    /// <param name="description">The workflow's description (from its stored text).</param>
    public static RunInfo ToInfo(RunRecord run, string? description) => new()
    {
        RunId = run.Id,
        WorkflowName = run.Workflow,
        Experiment = run.Experiment,
        Description = description,
        SourceFile = run.SourceFile,
        Params = System.Text.Json.Nodes.JsonNode.Parse(run.ParamsJson) as System.Text.Json.Nodes.JsonObject ?? [],
    };

    /// <summary>The result of a stored run, with the run's status as stored (running, cancelling and interrupted included: never guessed).</summary>
    public static RunResult ToResult(RunRecord run, IEnumerable<StageRecord> stages)
    {
        var results = new OrderedDictionary<string, StageResult>(StringComparer.Ordinal);
        foreach (var stage in stages)
        {
            results[stage.InstanceId] = StageResults.FromRecord(stage);
        }
        return new RunResult { RunId = run.Id, Status = run.Status, Stages = results };
    }
}
