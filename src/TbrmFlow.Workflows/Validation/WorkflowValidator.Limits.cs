using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Analysis;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Workflows.Validation;

public sealed partial class WorkflowValidator
{
    /// <summary>The counts the validator adds up across stages: matrix cells merged with enclosing repeats', stage instances, nested iterations.</summary>
    private sealed partial class ValidationRun
    {
        /// <summary>Stage instances counted so far (matrix cells of every stage), held to <see cref="WorkflowLimits.MaxStageInstances"/>.</summary>
        private long _instances;

        /// <summary>Iterations of the repeats enclosing the stages being checked, multiplied (1 at the top level).</summary>
        private long _iterations = 1;

        /// <summary>
        /// Each outer cell merged with each own cell (own keys win); either side alone when the other is null.
        /// Held to <see cref="WorkflowLimits.MaxMatrixCells"/> cells (null, with the error, beyond).
        /// </summary>
        private List<JsonObject>? Combine(StageDefinition stage, List<JsonObject>? outer, List<JsonObject>? own)
        {
            if (outer is null || own is null)
            {
                return own ?? outer;
            }
            try
            {
                if ((long)outer.Count * own.Count > WorkflowLimits.MaxMatrixCells)
                {
                    throw MatrixExpander.TooMany($"{own.Count} cells, and {outer.Count} in its enclosing repeat's matrix: {(long)outer.Count * own.Count} together");
                }
                MatrixExpander.CheckSize(own.Count * outer.Sum(MatrixExpander.Size) + outer.Count * own.Sum(MatrixExpander.Size));
            }
            catch (ExpressionException e)
            {
                Error(DiagnosticCodes.Limit, $"stage '{stage.Id}': {e.Message}", stage.LocationOf("matrix"));
                return null;
            }
            return [.. outer.SelectMany(o => own.Select(c => MatrixExpander.Merge(o, c)))];
        }

        /// <summary>
        /// The iterations <paramref name="stage"/>'s sub-stages run in all: its count (or <c>max</c>) times the enclosing
        /// repeats' (counts given by expressions count as 1 here and are held to the limit when they run). Reports a
        /// nesting that multiplies past <see cref="WorkflowLimits.MaxRepeatCount"/> (a count alone beyond it is the parser's error).
        /// </summary>
        private long NestedIterations(StageDefinition stage, RepeatDefinition r)
        {
            long count = r.Count is JsonValue v && v.TryGetValue<long>(out var n) ? n : r.Max ?? 1;
            var product = _iterations * Math.Clamp(count, 1, WorkflowLimits.MaxRepeatCount);
            if (product > WorkflowLimits.MaxRepeatCount && _iterations <= WorkflowLimits.MaxRepeatCount)
            {
                Error(DiagnosticCodes.Limit, $"stage '{stage.Id}': nested in its enclosing repeats it runs {product} iterations in all {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxRepeatCount), WorkflowLimits.MaxRepeatCount)}",
                    stage.LocationOf(r.Count is null ? "max" : "repeat"));
            }
            return Math.Min(product, WorkflowLimits.MaxRepeatCount + 1L);
        }

        /// <summary>Adds a stage's instances (its cells, or 1) to the plan's count; reports the stage that passes the limit.</summary>
        private void CountInstances(StageDefinition stage, List<JsonObject>? cells)
        {
            var before = _instances;
            _instances += Math.Max(1, cells?.Count ?? 1);
            if (before <= WorkflowLimits.MaxStageInstances && _instances > WorkflowLimits.MaxStageInstances)
            {
                Error(DiagnosticCodes.Limit, $"stage '{stage.Id}' brings the plan to more than {WorkflowLimits.MaxStageInstances} stage instances (matrix cells of every stage added up) {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxStageInstances), WorkflowLimits.MaxStageInstances)}",
                    stage.Matrix is null ? stage.Location : stage.LocationOf("matrix"));
            }
        }
    }
}
