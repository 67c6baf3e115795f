using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// Runs a workflow to its end: <see cref="WorkflowRunner"/> runs the DAG in this process; the queued
/// executor (src/TbrmFlow.Cluster) turns each ready stage instance into a job that workers take.
/// </summary>
public interface IWorkflowExecutor
{
    /// <summary>Runs <paramref name="workflow"/> with parameter overrides and returns when the run ended.</summary>
    /// <exception cref="StageInputException">Bad parameters or a plan that cannot be made (before the run starts).</exception>
    Task<RunResult> RunAsync(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonNode?> overrides, IRunObserver observer, CancellationToken cancellationToken);
}
