using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Workflows.Analysis;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Engine.Planning;

/// <summary>Expands matrices and links stage instances into a DAG, in a topological order that keeps file order where it can.</summary>
public static class RunPlanner
{
    /// <summary>
    /// Plans <paramref name="stages"/>; <paramref name="scope"/> holds <c>params</c> and <c>run</c>, and inside a repeat
    /// with a matrix also <c>matrix</c> (the repeat's cell, merged under each sub-stage's own cell).
    /// </summary>
    /// <exception cref="StageInputException">On a matrix that cannot be expanded or a cycle.</exception>
    public static IReadOnlyList<StageInstance> Plan(IReadOnlyList<StageDefinition> stages, JsonObject scope)
    {
        var cellsByStage = new Dictionary<string, List<JsonObject?>>(StringComparer.Ordinal);
        foreach (var stage in stages)
        {
            try
            {
                cellsByStage[stage.Id] = stage.Matrix is null ? [null] : [.. MatrixExpander.Expand(stage.Matrix, scope)];
            }
            catch (ExpressionException e)
            {
                throw new StageInputException($"stage '{stage.Id}': {e.Message}");
            }
        }
        var total = cellsByStage.Values.Sum(c => (long)c.Count);
        if (total > WorkflowLimits.MaxStageInstances)
        {
            throw new StageInputException(
                $"the plan has {total} stage instances (matrix cells of every stage added up) {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxStageInstances), WorkflowLimits.MaxStageInstances)}");
        }
        var idsByStage = stages.ToDictionary(s => s.Id, s => cellsByStage[s.Id].Select(c => MatrixExpander.InstanceId(s.Id, c)).ToList(), StringComparer.Ordinal);
        var all = idsByStage.Values.SelectMany(i => i).ToHashSet(StringComparer.Ordinal);
        var instances = new List<StageInstance>();
        foreach (var stage in stages)
        {
            foreach (var cell in cellsByStage[stage.Id])
            {
                var keys = Dependencies.Of(stage, MatrixExpander.Merge(scope["matrix"] as JsonObject, cell), scope);
                var deps = keys.SelectMany(k => idsByStage.TryGetValue(k, out var ids) ? ids : all.Contains(k) ? [k] : []).Distinct().ToList();
                instances.Add(new StageInstance(MatrixExpander.InstanceId(stage.Id, cell), stage, cell, deps, keys));
            }
        }
        return Order(instances);
    }

    private static List<StageInstance> Order(List<StageInstance> instances)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<StageInstance>(instances.Count);
        var remaining = new List<StageInstance>(instances);
        while (remaining.Count > 0)
        {
            var progressed = false;
            for (var i = 0; i < remaining.Count; i++)
            {
                if (remaining[i].DependsOn.All(done.Contains))
                {
                    done.Add(remaining[i].Id);
                    result.Add(remaining[i]);
                    remaining.RemoveAt(i--);
                    progressed = true;
                }
            }
            if (!progressed)
            {
                throw new StageInputException($"dependency cycle among: {string.Join(", ", remaining.Select(r => r.Id))}");
            }
        }
        return result;
    }
}
