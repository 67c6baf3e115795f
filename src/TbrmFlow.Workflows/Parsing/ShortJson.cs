using System.Text;
using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>A value as JSON for a message, cut after a few dozen characters without serialising the rest (a value may be large).</summary>
internal static class ShortJson
{
    /// <summary>At most <paramref name="max"/> characters of <paramref name="node"/>'s JSON, then an ellipsis.</summary>
    public static string Of(JsonNode? node, int max = 80)
    {
        var sb = new StringBuilder();
        Append(node, sb, max);
        return sb.Length > max ? sb.ToString(0, max) + "…" : sb.ToString();
    }

    private static void Append(JsonNode? node, StringBuilder sb, int max)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                foreach (var (key, value) in obj)
                {
                    if (sb.Length > max)
                    {
                        return;
                    }
                    sb.Append(sb[^1] == '{' ? "" : ",").Append(JsonValue.Create(Cut(key, max + 1)).ToJsonString()).Append(':');
                    Append(value, sb, max);
                }
                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                foreach (var item in array)
                {
                    if (sb.Length > max)
                    {
                        return;
                    }
                    sb.Append(sb[^1] == '[' ? "" : ",");
                    Append(item, sb, max);
                }
                sb.Append(']');
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                sb.Append(JsonValue.Create(Cut(text, max + 1)).ToJsonString());
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }

    /// <summary>The text, or its first <paramref name="max"/> characters and an ellipsis.</summary>
    public static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
