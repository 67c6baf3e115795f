namespace TbrmFlow.Server.Components.Shared;

/// <summary>Fill colours of activity categories (graph nodes, palette).</summary>
public static class Categories
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["data"] = "#4e79a7",
        ["rl"] = "#e15759",
        ["eval"] = "#59a14f",
        ["demo"] = "#b07aa1",
        ["repeat"] = "#f28e2b",
        ["unknown"] = "#9c9c9c",
    };

    private static readonly string[] Spare = ["#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"];

    /// <summary>The colour of a category (stable for unknown names).</summary>
    public static string Colour(string category) =>
        Known.TryGetValue(category, out var c) ? c : Spare[category.Sum(ch => ch) % Spare.Length];
}
