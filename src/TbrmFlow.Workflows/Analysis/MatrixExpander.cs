using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Workflows.Analysis;

/// <summary>Expands a matrix into cells and names stage instances.</summary>
public static class MatrixExpander
{
    /// <summary>
    /// The cells of a matrix: the cartesian product of the axes in file order, minus every cell that
    /// an <c>exclude</c> entry matches on all its keys, then each <c>include</c> entry either extends the
    /// cells it matches on all of its axis keys (adding its other keys) or, matching none, is added as a cell.
    /// Template axes are evaluated in <paramref name="scope"/> (params and run only).
    /// </summary>
    /// <exception cref="ExpressionException">
    /// When a template axis fails or is not a list, or (<see cref="ExpressionException.IsLimit"/>) when the axes' product or
    /// the include or exclude entries pass <see cref="WorkflowLimits.MaxMatrixCells"/>: checked before any cell is made.
    /// </exception>
    public static List<JsonObject> Expand(MatrixDefinition matrix, JsonObject scope)
    {
        var axes = new List<(string Key, JsonArray Values)>();
        long product = 1;
        foreach (var (key, raw) in matrix.Axes)
        {
            var values = Template.Resolve(raw, scope) as JsonArray
                ?? throw new ExpressionException($"matrix axis '{key}' must evaluate to a list");
            product *= Math.Max(1, values.Count);
            if (product > WorkflowLimits.MaxMatrixCells)
            {
                throw TooMany($"more than {WorkflowLimits.MaxMatrixCells} cells (the product of its axes, up to '{key}')");
            }
            axes.Add((key, values));
        }
        if (matrix.Include.Count > WorkflowLimits.MaxMatrixCells || matrix.Exclude.Count > WorkflowLimits.MaxMatrixCells)
        {
            throw TooMany($"more than {WorkflowLimits.MaxMatrixCells} include or exclude entries");
        }
        // Every cell copies its values: bound the copies (values may be large objects) before making them.
        var included = matrix.Include.Sum(i => Size(i));
        var perCell = axes.Sum(a => a.Values.Count == 0 ? 0 : a.Values.Max(Size)) + included;
        CheckSize(product * perCell + included);
        var cells = new List<JsonObject> { new() };
        foreach (var (key, values) in axes)
        {
            cells = [.. cells.SelectMany(cell => values.Select(v =>
            {
                var next = (JsonObject)cell.DeepClone();
                next[key] = v?.DeepClone();
                return next;
            }))];
        }
        if (matrix.Axes.Count == 0)
        {
            cells.Clear();
        }
        cells.RemoveAll(cell => matrix.Exclude.Any(ex => Matches(cell, ex)));
        var axisKeys = matrix.Axes.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var inc in matrix.Include)
        {
            var onAxes = new JsonObject(inc.Where(kv => axisKeys.Contains(kv.Key)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
            var matched = onAxes.Count > 0 ? cells.Where(c => Matches(c, onAxes)).ToList() : [];
            if (matched.Count == 0)
            {
                cells.Add((JsonObject)inc.DeepClone());
                continue;
            }
            foreach (var cell in matched)
            {
                foreach (var (k, v) in inc.Where(kv => !axisKeys.Contains(kv.Key)))
                {
                    cell[k] = v?.DeepClone();
                }
            }
        }
        return cells;
    }

    /// <summary>About the length of <paramref name="node"/>'s JSON text (at least 2 per value), without writing it.</summary>
    public static long Size(JsonNode? node) => node switch
    {
        JsonObject o => 2 + o.Sum(kv => kv.Key.Length + 3 + Size(kv.Value)),
        JsonArray a => 2 + a.Sum(v => 1 + Size(v)),
        JsonValue v when v.TryGetValue<string>(out var text) => 2 + text.Length,
        _ => 8,
    };

    /// <summary>Throws the limit error when the cells would hold more than <see cref="WorkflowLimits.MaxExpandedChars"/> characters of values (see <see cref="Size"/>).</summary>
    public static void CheckSize(long size)
    {
        if (size > WorkflowLimits.MaxExpandedChars)
        {
            throw ExpressionException.Limit(
                $"the matrix's cells would hold more than {WorkflowLimits.MaxExpandedChars} characters of values in all {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxExpandedChars), WorkflowLimits.MaxExpandedChars)}", 0);
        }
    }

    /// <summary>A matrix limit error: "the matrix has &lt;what&gt; (limit MaxMatrixCells = 256)".</summary>
    public static ExpressionException TooMany(string what) =>
        ExpressionException.Limit($"the matrix has {what} {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxMatrixCells), WorkflowLimits.MaxMatrixCells)}", 0);

    /// <summary>
    /// The cell a stage inside a repeat with a matrix sees: a new object with the keys of <paramref name="outer"/>
    /// (the repeat's cell) and then <paramref name="own"/> (the stage's own cell; its keys win).
    /// </summary>
    public static JsonObject Merge(JsonObject? outer, JsonObject? own)
    {
        var merged = outer?.DeepClone() as JsonObject ?? [];
        foreach (var (key, value) in own ?? [])
        {
            merged[key] = value?.DeepClone();
        }
        return merged;
    }

    /// <summary>Instance id: <c>stage[key=value,...]</c> in cell key order; the stage id alone without a cell.</summary>
    public static string InstanceId(string stageId, JsonObject? cell) =>
        cell is null || cell.Count == 0
            ? stageId
            : $"{stageId}[{string.Join(",", cell.Select(kv => $"{kv.Key}={ExpressionEvaluator.Stringify(kv.Value)}"))}]";

    private static bool Matches(JsonObject cell, JsonObject pattern) =>
        pattern.All(kv => cell.TryGetPropertyValue(kv.Key, out var v) && JsonNode.DeepEquals(v, kv.Value));
}
