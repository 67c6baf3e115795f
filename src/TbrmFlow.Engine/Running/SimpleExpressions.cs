using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// Walking-skeleton expression support: a string that is exactly <c>${{ a.b.c }}</c> is replaced by
/// the value at that dotted path in the scope. The full language replaces this.
/// </summary>
internal static partial class SimpleExpressions
{
    public static JsonNode? Resolve(JsonNode? node, JsonObject scope) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(kv => KeyValuePair.Create(kv.Key, Resolve(kv.Value, scope)))),
        JsonArray array => new JsonArray([.. array.Select(item => Resolve(item, scope))]),
        JsonValue value when value.TryGetValue<string>(out var text) && Whole().Match(text) is { Success: true } m => Lookup(m.Groups[1].Value, scope),
        _ => node?.DeepClone(),
    };

    private static JsonNode? Lookup(string path, JsonObject scope)
    {
        JsonNode? current = scope;
        foreach (var part in path.Split('.'))
        {
            current = current is JsonObject obj && obj.TryGetPropertyValue(part, out var next)
                ? next
                : throw new StageInputException($"'{path}' does not resolve (no '{part}')");
        }
        return current?.DeepClone();
    }

    [GeneratedRegex(@"^\$\{\{\s*([a-z_][a-z0-9_\-]*(?:\.[a-z_][a-z0-9_\-]*)*)\s*\}\}$")]
    private static partial Regex Whole();
}
