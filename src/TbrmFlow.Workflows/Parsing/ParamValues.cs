using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>Checks a parameter value against its declared type and allowed values.</summary>
public static class ParamValues
{
    /// <summary>Null when <paramref name="value"/> fits; otherwise what is wrong (e.g. "must be an int, got 'abc'").</summary>
    public static string? Check(ParamDefinition param, JsonNode? value)
    {
        if (param.Type is { } type && value is not null && !Fits(type, value))
        {
            return $"must be {Article(type)}, got {ShortJson.Of(value)}";
        }
        if (param.Allowed is { } allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            return $"must be one of {string.Join(", ", allowed.Take(20).Select(a => ShortJson.Of(a)))}{(allowed.Count > 20 ? ", …" : "")}, got {ShortJson.Of(value)}";
        }
        return null;
    }

    /// <summary>Converts a command-line value to the declared type where that is lossless (e.g. 3 to 3.0 for float).</summary>
    public static JsonNode? Coerce(ParamDefinition param, JsonNode? value) =>
        param.Type == "string" && value is JsonValue v && v.GetValueKind() != JsonValueKind.String ? JsonValue.Create(v.ToJsonString().Trim('"')) : value;

    private static bool Fits(string type, JsonNode value) => type switch
    {
        "string" => value.GetValueKind() == JsonValueKind.String,
        "int" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out _),
        "float" => value.GetValueKind() == JsonValueKind.Number,
        "bool" => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "list" => value is JsonArray,
        "object" => value is JsonObject,
        _ => true,
    };

    private static string Article(string type) => type is "int" or "object" ? $"an {type}" : $"a {type}";
}
