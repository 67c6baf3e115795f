using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Model;

/// <summary>A workflow input, overridable with <c>-p name=value</c>.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Default">Its default value (JSON-typed).</param>
/// <param name="Description">Help text.</param>
public sealed record ParamDefinition(string Name, JsonNode? Default, string? Description = null);
