using System.Text.Json.Nodes;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Workflows.Analysis;

namespace TbrmFlow.Engine.Running;

/// <summary>Where a set of instances runs: the top level of a run, or one iteration of a repeat.</summary>
/// <param name="Table">Outputs visible to these instances.</param>
/// <param name="Prefix">Prepended to instance ids for records (<c>train[iter=2].</c>), or empty.</param>
/// <param name="Loop">The <c>loop</c> context inside a repeat, or null.</param>
/// <param name="Iteration">The 0-based iteration inside a repeat, or null.</param>
/// <param name="Matrix">Inside a repeat that has a matrix: that instance's cell, which its sub-stages see as <c>matrix</c>.</param>
internal sealed record ExecutionScope(OutputTable Table, string Prefix, JsonObject? Loop, int? Iteration, JsonObject? Matrix = null)
{
    /// <summary>The expression scope of one instance: params, run, matrix, loop and the stages it reads.</summary>
    public JsonObject For(RunState run, StageInstance instance)
    {
        var scope = run.BaseScope();
        scope["matrix"] = MatrixExpander.Merge(Matrix, instance.Cell);
        scope["stages"] = Table.Scope(instance.Keys);
        if (Loop is not null)
        {
            scope["loop"] = Loop.DeepClone();
        }
        return scope;
    }
}
