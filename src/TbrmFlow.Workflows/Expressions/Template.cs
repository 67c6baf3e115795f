using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Expressions;

/// <summary>
/// A string value that may hold <c>${{ ... }}</c> expressions. A string that is exactly one
/// expression evaluates to the expression's value with its type (a number stays a number, an
/// artifact reference stays an object); otherwise each expression is formatted into the text.
/// </summary>
public sealed class Template
{
    /// <summary>Characters of template text the parse cache holds at most before it starts over (a server parses texts from every request).</summary>
    private const long MaxCachedChars = 4 * 1024 * 1024;

    private static readonly ConcurrentDictionary<string, Template> Cache = new(StringComparer.Ordinal);
    private static long _cachedChars;

    private Template(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The original text.</summary>
    public string Text { get; }

    /// <summary>Literal text and expressions in order.</summary>
    public IReadOnlyList<Segment> Segments { get; }

    /// <summary>True when the text holds at least one expression.</summary>
    public bool HasExpressions => Segments.Any(s => s.Expression is not null);

    /// <summary>One piece of a template: literal text, or an expression and its offset in <see cref="Text"/>.</summary>
    /// <param name="Literal">Literal text (when <paramref name="Expression"/> is null).</param>
    /// <param name="Expression">The parsed expression.</param>
    /// <param name="Offset">0-based offset of the expression's first character in the template text.</param>
    public sealed record Segment(string? Literal, Expr? Expression, int Offset);

    /// <summary>True when <paramref name="text"/> contains <c>${{</c>.</summary>
    public static bool Contains(string text) => text.Contains("${{", StringComparison.Ordinal);

    /// <summary>Parses (cached) a template; throws <see cref="ExpressionException"/> with the offset in the whole text.</summary>
    public static Template Parse(string text)
    {
        if (Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }
        var parsed = ParseUncached(text);
        if (Interlocked.Add(ref _cachedChars, text.Length) > MaxCachedChars)
        {
            Cache.Clear();
            Interlocked.Exchange(ref _cachedChars, text.Length);
        }
        return Cache.GetOrAdd(text, parsed);
    }

    private static Template ParseUncached(string text)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("${{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }
            literal.Append(text, i, open - i);
            var start = open + 3;
            var end = FindClose(text, start);
            if (end < 0)
            {
                throw new ExpressionException("'${{' without a closing '}}'", open);
            }
            if (literal.Length > 0)
            {
                segments.Add(new Segment(literal.ToString(), null, 0));
                literal.Clear();
            }
            var inner = text[start..end];
            try
            {
                segments.Add(new Segment(null, ExpressionParser.Parse(inner), start));
            }
            catch (ExpressionException e)
            {
                throw new ExpressionException(e.Message, start + e.Position) { IsLimit = e.IsLimit };
            }
            i = end + 2;
        }
        if (literal.Length > 0)
        {
            segments.Add(new Segment(literal.ToString(), null, 0));
        }
        return new Template(text, segments);
    }

    private static int FindClose(string text, int from)
    {
        char? quote = null;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else if (c == '\\' && quote == '"')
                {
                    i++;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Evaluates the template: the value itself for a single expression, else the interpolated string.</summary>
    public JsonNode? Evaluate(JsonObject scope)
    {
        if (Segments.Count == 1 && Segments[0].Expression is { } only)
        {
            return ExpressionEvaluator.Evaluate(only, scope)?.DeepClone();
        }
        var sb = new StringBuilder();
        foreach (var segment in Segments)
        {
            sb.Append(segment.Expression is null ? segment.Literal : ExpressionEvaluator.Stringify(ExpressionEvaluator.Evaluate(segment.Expression, scope)));
        }
        return JsonValue.Create(sb.ToString());
    }

    /// <summary>Resolves every template string inside a JSON tree; returns a new tree.</summary>
    /// <exception cref="ExpressionException">When an expression fails; the message names the text.</exception>
    public static JsonNode? Resolve(JsonNode? node, JsonObject scope) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(kv => KeyValuePair.Create(kv.Key, Resolve(kv.Value, scope)))),
        JsonArray array => new JsonArray([.. array.Select(item => Resolve(item, scope))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is var s && Contains(s) => Parse(s).Evaluate(scope),
        _ => node?.DeepClone(),
    };

    /// <summary>Every template string in a JSON tree with its dotted path (<c>model.preset</c>, <c>items[0]</c>).</summary>
    public static IEnumerable<(string Path, string Text)> Strings(JsonNode? node, string path = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    foreach (var s in Strings(value, path.Length == 0 ? key : path + "." + key))
                    {
                        yield return s;
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var s in Strings(array[i], $"{path}[{i}]"))
                    {
                        yield return s;
                    }
                }
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is var text && Contains(text):
                yield return (path, text);
                break;
        }
    }
}
