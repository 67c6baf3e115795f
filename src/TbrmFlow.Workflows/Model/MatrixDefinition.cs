using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Model;

/// <summary>
/// A stage's fan-out: the cartesian product of the axes, minus <c>exclude</c> entries (partial
/// matches), plus <c>include</c> entries (extending matching cells with new keys, else added as cells).
/// </summary>
public sealed record MatrixDefinition
{
    /// <summary>Axes in file order: a list of values, or a template string that evaluates to one.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Axes { get; init; } = [];

    /// <summary>Cells to add or extend.</summary>
    public IReadOnlyList<JsonObject> Include { get; init; } = [];

    /// <summary>Cells to remove (an entry removes every cell it matches on all its keys).</summary>
    public IReadOnlyList<JsonObject> Exclude { get; init; } = [];
}
