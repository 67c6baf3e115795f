using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Workflows.Validation;

/// <summary>Maps activity input types to the JSON values YAML may give them, with readable names.</summary>
public static class InputTypes
{
    /// <summary>A short name for a CLR input type: string, integer, number, boolean, one of (...), list of X, artifact path, object.</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "string";
        }
        if (IsInteger(type))
        {
            return "integer";
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return "number";
        }
        if (type == typeof(bool))
        {
            return "boolean";
        }
        if (type.IsEnum)
        {
            return $"one of ({string.Join(", ", EnumNames(type))})";
        }
        if (typeof(ArtifactReference).IsAssignableFrom(type))
        {
            return $"{type.Name} (an upstream output or a path)";
        }
        if (ElementType(type) is { } element)
        {
            return $"list of {Describe(element)}";
        }
        return "object";
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
            return $"expects {Describe(type)}, got {value.ToJsonString()}";
        }
        if (ElementType(type) is { } element)
        {
            if (value is not JsonArray list)
            {
                return $"expects {Describe(type)}, got {value.ToJsonString()}";
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
        if (Describe(type) == "object" && !ContainsTemplate(value))
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
