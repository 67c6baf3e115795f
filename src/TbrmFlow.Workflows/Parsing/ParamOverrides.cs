using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Yaml;
using YamlDotNet.RepresentationModel;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>
/// Parameter overrides as written on the command line (<c>-p name=value</c>) or sent to the server
/// (name and value text): values are typed like YAML scalars, and <c>[...]</c> / <c>{...}</c> are YAML flow collections.
/// </summary>
public static class ParamOverrides
{
    /// <summary>Parses <c>name=value</c> items; false with a message naming the bad item.</summary>
    public static bool TryParse(IEnumerable<string> items, out Dictionary<string, JsonNode?> overrides, out string? error)
    {
        overrides = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        error = null;
        foreach (var item in items)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"-p expects name=value, got '{item}'";
                return false;
            }
            overrides[item[..eq]] = ParseValue(item[(eq + 1)..]);
        }
        return true;
    }

    /// <summary>Overrides from name and value text pairs.</summary>
    public static Dictionary<string, JsonNode?> FromPairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs.ToDictionary(p => p.Key, p => ParseValue(p.Value), StringComparer.Ordinal);

    /// <summary>One value: a YAML flow collection when it starts with <c>[</c> or <c>{</c>, else a YAML plain scalar.</summary>
    public static JsonNode? ParseValue(string text)
    {
        if (!text.StartsWith('[') && !text.StartsWith('{'))
        {
            return YamlToJson.Scalar(new YamlScalarNode(text));
        }
        var diagnostics = new List<Diagnostic>();
        var node = YamlTreeLoader.Load(text, diagnostics);
        return node is null ? JsonValue.Create(text) : YamlToJson.FromTree(node);
    }
}
