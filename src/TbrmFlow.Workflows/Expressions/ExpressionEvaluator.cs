using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Expressions;

/// <summary>
/// Evaluates an <see cref="Expr"/> against a scope object whose members are the contexts
/// (<c>params</c>, <c>stages</c>, <c>matrix</c>, <c>loop</c>, <c>run</c>). Values are JSON values;
/// integers stay integers under + - * % and become floats under /. The result may be a node owned
/// by the scope: clone it before attaching it elsewhere.
/// </summary>
public static class ExpressionEvaluator
{
    /// <summary>Evaluates <paramref name="expr"/>; errors carry the offset of the failing node.</summary>
    public static JsonNode? Evaluate(Expr expr, JsonObject scope) => new Evaluation(scope, null, null).Run(expr);

    /// <summary>
    /// Evaluates <paramref name="expr"/> in <paramref name="scope"/> with the context <paramref name="name"/> set to
    /// <paramref name="value"/> (added or replaced), without copying the scope.
    /// </summary>
    public static JsonNode? Evaluate(Expr expr, JsonObject scope, string name, JsonNode? value) => new Evaluation(scope, name, value).Run(expr);

    /// <summary>One evaluation: the scope and an optional extra context. Recursion depth is the tree's, bounded by the parser.</summary>
    private sealed class Evaluation(JsonObject scope, string? extraName, JsonNode? extraValue)
    {
        public JsonNode? Run(Expr expr) => expr switch
        {
            Expr.Literal l => l.Value,
            Expr.Name n => Lookup(n),
            Expr.Member m => Access(Run(m.Target), m.MemberName, m.Position),
            Expr.Index i => Index(Run(i.Target), Run(i.Key), i.Key.Position),
            Expr.Unary u => Unary(u, Run(u.Operand)),
            Expr.Binary { Operator: "&&" } b => Run(b.Left) is var l && Values.Truthy(l) ? Run(b.Right) : l,
            Expr.Binary { Operator: "||" } b => Run(b.Left) is var l && Values.Truthy(l) ? l : Run(b.Right),
            Expr.Binary b => Binary(b, Run(b.Left), Run(b.Right)),
            Expr.Call c => Functions.Call(c, [.. c.Arguments.Select(Run)]),
            _ => throw new ExpressionException("unsupported expression", expr.Position),
        };

        private JsonNode? Lookup(Expr.Name n)
        {
            if (extraName is not null && n.Identifier == extraName)
            {
                return extraValue;
            }
            if (scope.TryGetPropertyValue(n.Identifier, out var root))
            {
                return root;
            }
            var known = scope.Select(p => p.Key).Append(extraName).OfType<string>().Distinct();
            throw new ExpressionException($"unknown name '{n.Identifier}' (known: {string.Join(", ", known)})", n.Position);
        }
    }

    private static JsonNode? Access(JsonNode? target, string name, int position)
    {
        if (target is JsonObject obj)
        {
            return obj.TryGetPropertyValue(name, out var value)
                ? value
                : throw new ExpressionException($"no '{name}' here (available: {Available(obj)})", position);
        }
        if (target is JsonArray array && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Index(array, JsonValue.Create(index), position);
        }
        throw new ExpressionException($"cannot read '{name}' from {Values.Describe(target)}", position);
    }

    private static JsonNode? Index(JsonNode? target, JsonNode? key, int position)
    {
        switch (target)
        {
            case JsonObject obj:
                var name = Values.ToText(key);
                return obj.TryGetPropertyValue(name, out var value)
                    ? value
                    : throw new ExpressionException($"no '{name}' here (available: {Available(obj)})", position);
            case JsonArray array when Values.IsNumber(key):
                var i = (int)Values.Number(key, position);
                if (i < 0)
                {
                    i += array.Count;
                }
                return i >= 0 && i < array.Count
                    ? array[i]
                    : throw new ExpressionException($"index {i} out of range (length {array.Count})", position);
            default:
                throw new ExpressionException($"cannot index {Values.Describe(target)} with {Values.Describe(key)}", position);
        }
    }

    private static JsonValue? Unary(Expr.Unary u, JsonNode? operand) => u.Operator switch
    {
        "!" => JsonValue.Create(!Values.Truthy(operand)),
        _ => Values.IsInteger(operand) ? Integer(() => checked(-Values.Integer(operand!)), u.Position) : Real(-Values.Number(operand, u.Operand.Position), u.Position),
    };

    /// <summary>64-bit integer arithmetic that reports overflow instead of wrapping.</summary>
    private static JsonValue Integer(Func<long> compute, int position)
    {
        try
        {
            return JsonValue.Create(compute());
        }
        catch (OverflowException)
        {
            throw new ExpressionException("integer overflow (integers are 64-bit)", position);
        }
    }

    /// <summary>A float result; infinity and NaN have no JSON form, so they are errors.</summary>
    private static JsonValue Real(double value, int position) =>
        double.IsFinite(value) ? JsonValue.Create(value) : throw new ExpressionException($"the result is {value}, not a finite number", position);

    private static JsonValue? Binary(Expr.Binary b, JsonNode? left, JsonNode? right)
    {
        switch (b.Operator)
        {
            case "==": return JsonValue.Create(Values.Equal(left, right));
            case "!=": return JsonValue.Create(!Values.Equal(left, right));
            case "<" or "<=" or ">" or ">=":
                var cmp = Values.Compare(left, right, b.Position);
                return JsonValue.Create(b.Operator switch { "<" => cmp < 0, "<=" => cmp <= 0, ">" => cmp > 0, _ => cmp >= 0 });
            case "+" when Values.IsString(left) || Values.IsString(right):
                return JsonValue.Create(Values.ToText(left) + Values.ToText(right));
        }
        var l = Values.Number(left, b.Left.Position);
        var r = Values.Number(right, b.Right.Position);
        if (Values.IsInteger(left) && Values.IsInteger(right) && b.Operator is "+" or "-" or "*" or "%")
        {
            var li = Values.Integer(left!);
            var ri = Values.Integer(right!);
            return b.Operator switch
            {
                "+" => Integer(() => checked(li + ri), b.Position),
                "-" => Integer(() => checked(li - ri), b.Position),
                "*" => Integer(() => checked(li * ri), b.Position),
                _ => ri == 0 ? throw new ExpressionException("modulo by zero", b.Position) : Integer(() => li % ri, b.Position),
            };
        }
        return b.Operator switch
        {
            "+" => Real(l + r, b.Position),
            "-" => Real(l - r, b.Position),
            "*" => Real(l * r, b.Position),
            "/" => r == 0 ? throw new ExpressionException("division by zero", b.Position) : Real(l / r, b.Position),
            "%" => r == 0 ? throw new ExpressionException("modulo by zero", b.Position) : Real(l % r, b.Position),
            _ => throw new ExpressionException($"unknown operator '{b.Operator}'", b.Position),
        };
    }

    private static string Available(JsonObject obj) =>
        obj.Count == 0 ? "nothing" : string.Join(", ", obj.Select(p => p.Key).Take(20));

    /// <summary>Truthiness: null, false, 0, "" and "false" are false; everything else is true.</summary>
    public static bool IsTruthy(JsonNode? value) =>
        Values.Truthy(value) && !(value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "false");

    /// <summary>Serialises a value the way it appears inside an interpolated string.</summary>
    public static string Stringify(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && Values.IsInteger(v) => Values.Integer(v).ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Values.Number(v, 0).ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };
}
