using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Expressions;

/// <summary>Typing rules shared by operators and functions.</summary>
internal static class Values
{
    public static bool IsString(JsonNode? v) => v is JsonValue j && j.GetValueKind() == JsonValueKind.String;

    public static bool IsNumber(JsonNode? v) => v is JsonValue j && j.GetValueKind() == JsonValueKind.Number;

    public static bool IsInteger(JsonNode? v) => v is JsonValue j && j.GetValueKind() == JsonValueKind.Number && j.TryGetValue<long>(out _)
        || (v is JsonValue k && k.GetValueKind() == JsonValueKind.Number && k.TryGetValue<int>(out _));

    /// <summary>The integer in a number node that <see cref="IsInteger"/> accepted.</summary>
    public static long Integer(JsonNode v) => v.AsValue().TryGetValue<long>(out var l) ? l : v.AsValue().GetValue<int>();

    public static double Number(JsonNode? v, int position)
    {
        if (v is JsonValue j && j.GetValueKind() == JsonValueKind.Number)
        {
            return j.TryGetValue<double>(out var d) ? d : j.TryGetValue<long>(out var l) ? l : j.GetValue<int>();
        }
        if (v is JsonValue s && s.GetValueKind() == JsonValueKind.String
            && double.TryParse(s.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }
        throw new ExpressionException($"expected a number, got {Describe(v)}", position);
    }

    public static bool Truthy(JsonNode? v) => v switch
    {
        null => false,
        JsonValue j => j.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.String => j.GetValue<string>().Length > 0,
            JsonValueKind.Number => Number(j, 0) != 0,
            _ => true,
        },
        _ => true,
    };

    public static bool Equal(JsonNode? a, JsonNode? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return Number(a, 0).Equals(Number(b, 0));
        }
        return JsonNode.DeepEquals(a, b);
    }

    public static int Compare(JsonNode? a, JsonNode? b, int position)
    {
        if (IsString(a) && IsString(b))
        {
            return string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>());
        }
        return Number(a, position).CompareTo(Number(b, position));
    }

    public static string ToText(JsonNode? v) => ExpressionEvaluator.Stringify(v);

    public static string Describe(JsonNode? v) => v switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue j => j.GetValueKind() switch
        {
            JsonValueKind.String => $"the string '{Parsing.ShortJson.Cut(j.GetValue<string>(), 80)}'",
            JsonValueKind.Number => $"the number {ToText(j)}",
            _ => $"the value {Parsing.ShortJson.Of(j)}",
        },
        _ => "a value",
    };
}
