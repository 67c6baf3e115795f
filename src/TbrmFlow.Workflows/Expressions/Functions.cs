using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Expressions;

/// <summary>The built-in functions: <c>format</c>, <c>contains</c>, <c>min</c>, <c>max</c>, <c>length</c>, <c>join</c>.</summary>
public static class Functions
{
    /// <summary>Names of every function, for messages and validation.</summary>
    public static IReadOnlyList<string> Names { get; } = ["format", "contains", "min", "max", "length", "join"];

    internal static JsonNode? Call(Expr.Call call, JsonNode?[] args)
    {
        switch (call.Function)
        {
            case "format":
                Arity(call, args, 1, int.MaxValue);
                return JsonValue.Create(Format(Values.ToText(args[0]), args[1..], call.Position));
            case "contains":
                Arity(call, args, 2, 2);
                return JsonValue.Create(args[0] switch
                {
                    JsonArray list => list.Any(item => Values.Equal(item, args[1])),
                    JsonObject obj => obj.ContainsKey(Values.ToText(args[1])),
                    _ => Values.ToText(args[0]).Contains(Values.ToText(args[1]), StringComparison.OrdinalIgnoreCase),
                });
            case "min" or "max":
                Arity(call, args, 1, int.MaxValue);
                var items = args.Length == 1 && args[0] is JsonArray list1 ? [.. list1] : args;
                if (items.Length == 0)
                {
                    throw new ExpressionException($"{call.Function}() of an empty list", call.Position);
                }
                var best = items[0];
                foreach (var item in items.Skip(1))
                {
                    var c = Values.Compare(item, best, call.Position);
                    if (call.Function == "min" ? c < 0 : c > 0)
                    {
                        best = item;
                    }
                }
                return best;
            case "length":
                Arity(call, args, 1, 1);
                return JsonValue.Create(args[0] switch
                {
                    JsonArray a => a.Count,
                    JsonObject o => o.Count,
                    null => 0,
                    _ => Values.ToText(args[0]).Length,
                });
            case "join":
                Arity(call, args, 1, 2);
                var separator = args.Length > 1 ? Values.ToText(args[1]) : ",";
                return JsonValue.Create(args[0] is JsonArray parts ? string.Join(separator, parts.Select(Values.ToText)) : Values.ToText(args[0]));
            default:
                throw new ExpressionException($"unknown function '{call.Function}' (functions: {string.Join(", ", Names)})", call.Position);
        }
    }

    private static void Arity(Expr.Call call, JsonNode?[] args, int min, int max)
    {
        if (args.Length < min || args.Length > max)
        {
            var expected = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            throw new ExpressionException($"{call.Function}() takes {expected} argument(s), got {args.Length}", call.Position);
        }
    }

    /// <summary><c>format('{0}-{1}', a, b)</c>; <c>{{</c> and <c>}}</c> are literal braces.</summary>
    private static string Format(string pattern, JsonNode?[] args, int position)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '{' && i + 1 < pattern.Length && pattern[i + 1] == '{')
            {
                sb.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < pattern.Length && pattern[i + 1] == '}')
            {
                sb.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var end = pattern.IndexOf('}', i);
                if (end < 0 || !int.TryParse(pattern.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n >= args.Length)
                {
                    throw new ExpressionException($"format(): bad placeholder in '{pattern}' ({args.Length} argument(s))", position);
                }
                sb.Append(Values.ToText(args[n]));
                i = end;
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
