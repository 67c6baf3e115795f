using System.Text.Json.Nodes;

namespace TbrmFlow.Engine.Planning;

/// <summary>Matrix cells of nested scopes: a sub-stage of a repeat with a matrix sees both cells.</summary>
internal static class MatrixCells
{
    /// <summary>A new object with the keys of <paramref name="outer"/> and then <paramref name="own"/> (own keys win).</summary>
    public static JsonObject Merge(JsonObject? outer, JsonObject? own)
    {
        var merged = outer?.DeepClone() as JsonObject ?? [];
        foreach (var (key, value) in own ?? [])
        {
            merged[key] = value?.DeepClone();
        }
        return merged;
    }
}
