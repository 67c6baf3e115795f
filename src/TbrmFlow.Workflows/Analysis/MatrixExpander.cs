using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;

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
    /// <exception cref="ExpressionException">When a template axis fails or is not a list.</exception>
    public static List<JsonObject> Expand(MatrixDefinition matrix, JsonObject scope)
    {
        var cells = new List<JsonObject> { new() };
        foreach (var (key, raw) in matrix.Axes)
        {
            var values = Template.Resolve(raw, scope) as JsonArray
                ?? throw new ExpressionException($"matrix axis '{key}' must evaluate to a list");
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
