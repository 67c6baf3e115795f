using System.Text.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Tracking;

/// <summary>
/// Turns resolved inputs into MLflow params: nested objects flattened with <c>.</c>, artifact
/// references (<c>{kind, path, hash}</c>) as their content hash, arrays as JSON text.
/// </summary>
public static class ParamFlattener
{
    /// <summary>MLflow's limit on a param value's length.</summary>
    public const int MaxValueLength = 6000;

    /// <summary>The flattened params of <paramref name="inputs"/>, keys sanitised for MLflow.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(JsonObject inputs)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Add(result, "", inputs);
        return result;
    }

    /// <summary>True when <paramref name="node"/> is an artifact reference as the engine writes it.</summary>
    public static bool IsArtifact(JsonNode? node, out string kind, out string path, out string? hash)
    {
        kind = path = "";
        hash = null;
        if (node is JsonObject obj && obj["kind"] is JsonValue k && k.TryGetValue<string>(out var kindText)
            && obj["path"] is JsonValue p && p.TryGetValue<string>(out var pathText))
        {
            kind = kindText;
            path = pathText;
            hash = obj["hash"] is JsonValue h && h.TryGetValue<string>(out var hashText) ? hashText : null;
            return true;
        }
        return false;
    }

    private static void Add(SortedDictionary<string, string> result, string prefix, JsonNode? node)
    {
        if (IsArtifact(node, out _, out var path, out var hash))
        {
            Put(result, prefix, hash ?? path);
            return;
        }
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    Add(result, prefix.Length == 0 ? key : prefix + "." + key, value);
                }
                break;
            case JsonArray array:
                Put(result, prefix, array.ToJsonString());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                Put(result, prefix, value.GetValue<string>());
                break;
            case null:
                Put(result, prefix, "null");
                break;
            default:
                Put(result, prefix, node.ToJsonString());
                break;
        }
    }

    private static void Put(SortedDictionary<string, string> result, string key, string value) =>
        result[MlflowKeys.Sanitize(key)] = value.Length <= MaxValueLength ? value : value[..MaxValueLength];
}
