using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Model;

/// <summary>A workflow input, overridable with <c>-p name=value</c>.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Default">Its default value (JSON-typed).</param>
/// <param name="Description">Help text.</param>
public sealed record ParamDefinition(string Name, JsonNode? Default, string? Description = null)
{
    /// <summary>Declared type: string, int, float, bool, list or object; null = taken from the default.</summary>
    public string? Type { get; init; }

    /// <summary>The only values allowed, when declared.</summary>
    public JsonArray? Allowed { get; init; }

    /// <summary>Where the parameter was declared.</summary>
    public SourceLocation Location { get; init; } = SourceLocation.None;
}
