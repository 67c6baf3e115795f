using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Workflows.Validation;

/// <summary>Maps activity input types to the JSON values YAML may give them, with readable names.</summary>
public static class InputTypes
{
    /// <summary>
    /// The workflow language's name for an input or output type, the one name the CLI, the API, the
    /// designer and the JSON Schema use: <c>string</c>, <c>int</c>, <c>float</c>, <c>bool</c> (the
    /// param types of the language), <c>enum</c> (a string of <see cref="EnumNames"/>), <c>list</c>
    /// (of <see cref="ItemType"/>), <c>object</c>, or the artifact type (<c>PromptSet</c>,
    /// <c>Checkpoint</c>, <c>RolloutBatch</c>, <c>EvalReport</c>).
    /// </summary>
    public static string Name(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "string",
            _ when IsInteger(type) => "int",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "float",
            _ when type == typeof(bool) => "bool",
            _ when type.IsEnum => "enum",
            _ when typeof(ArtifactReference).IsAssignableFrom(type) => type.Name,
            _ when ElementType(type) is not null => "list",
            _ => "object",
        };
    }

    /// <summary>The element type of a list type, else null.</summary>
    public static Type? ItemType(Type type) => ElementType(Nullable.GetUnderlyingType(type) ?? type);

    /// <summary>
    /// <see cref="Name"/> spelled out for messages and help: <c>int</c>, <c>one of (fast, slow)</c>,
    /// <c>list of int</c>, <c>PromptSet (an upstream output or a path)</c>.
    /// </summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return Name(type) switch
        {
            "enum" => $"one of ({string.Join(", ", EnumNames(type))})",
            "list" => $"list of {Describe(ElementType(type)!)}",
            var name when typeof(ArtifactReference).IsAssignableFrom(type) => $"{name} (an upstream output or a path)",
            var name => name,
        };
    }

    /// <summary>The snake_case names of an enum's values, as YAML writes them.</summary>
    public static IEnumerable<string> EnumNames(Type enumType) =>
        Enum.GetNames(enumType).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName);

    /// <summary>Null when a literal <paramref name="value"/> binds to <paramref name="type"/>, else what is wrong.</summary>
    public static string? Check(Type type, JsonNode? value)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (value is null)
        {
            return underlying is not null || !type.IsValueType ? null : $"expects {Describe(type)}, got null";
        }
        type = underlying ?? type;
        var kind = value.GetValueKind();
        var ok = type switch
        {
            _ when type == typeof(string) => kind == JsonValueKind.String,
            _ when IsInteger(type) => kind == JsonValueKind.Number && value is JsonValue v && (v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _)),
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => kind == JsonValueKind.Number,
            _ when type == typeof(bool) => kind is JsonValueKind.True or JsonValueKind.False,
            _ when type.IsEnum => kind == JsonValueKind.String && EnumNames(type).Contains(value.GetValue<string>()),
            _ when typeof(ArtifactReference).IsAssignableFrom(type) => kind is JsonValueKind.String or JsonValueKind.Object,
            _ => true,
        };
        if (!ok)
        {
            return $"expects {Describe(type)}, got {Parsing.ShortJson.Of(value)}";
        }
        if (ElementType(type) is { } element)
        {
            if (value is not JsonArray list)
            {
                return $"expects {Describe(type)}, got {Parsing.ShortJson.Of(value)}";
            }
            for (var i = 0; i < list.Count; i++)
            {
                if (ContainsTemplate(list[i]))
                {
                    continue;
                }
                if (Check(element, list[i]) is { } problem)
                {
                    return $"item {i}: {problem}";
                }
            }
            return null;
        }
        if (Name(type) == "object" && !ContainsTemplate(value))
        {
            try
            {
                value.Deserialize(type, ActivityJson.Options);
            }
            catch (JsonException e)
            {
                return $"expects a {type.Name} object: {e.Message.Split(" Path:")[0]}";
            }
            catch (NotSupportedException e)
            {
                return $"expects a {type.Name} object: {e.Message}";
            }
        }
        return null;
    }

    /// <summary>True when any string in the tree holds <c>${{</c>.</summary>
    public static bool ContainsTemplate(JsonNode? node) => Expressions.Template.Strings(node).Any();

    private static bool IsInteger(Type t) => t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(uint) || t == typeof(ulong);

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (enumerable is null || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)))
        {
            return null;
        }
        return enumerable.GetGenericArguments()[0];
    }
}
