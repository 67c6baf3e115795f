using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TbrmFlow.Workflows.Yaml;

/// <summary>Builds a <see cref="YNode"/> tree from YamlDotNet's event stream (first document only).</summary>
public static class YamlTreeLoader
{
    /// <summary>Loads text; on a syntax error returns null and adds a TF0001 diagnostic.</summary>
    public static YNode? Load(string text, ICollection<Diagnostic> diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            return Read(parser, anchors, 0);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner can fail outside its own exception type on some malformed input (found by the fuzz test).
            var mark = parser.Current?.Start ?? Mark.Empty;
            diagnostics.Add(new Diagnostic(DiagnosticCodes.YamlSyntax, "YAML syntax: the YAML reader could not continue here",
                new SourceLocation(Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column))));
            return null;
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            var mark = e.Start;
            diagnostics.Add(new Diagnostic(DiagnosticCodes.YamlSyntax, $"YAML syntax: {Clean(message)}", new SourceLocation(Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column))));
            return null;
        }
    }

    private static YNode Read(IParser parser, Dictionary<string, YNode> anchors, int depth)
    {
        if (depth > 200)
        {
            throw new YamlException(parser.Current!.Start, parser.Current.End, "nesting deeper than 200 levels");
        }
        var ev = parser.Consume<ParsingEvent>();
        YNode node;
        switch (ev)
        {
            case Scalar s:
                var quoted = s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
                var start = new SourceLocation((int)s.Start.Line, (int)s.Start.Column + (quoted ? 1 : 0));
                node = new YScalar(start, s.Value, s.Style is ScalarStyle.Plain or ScalarStyle.Any);
                Remember(s.Anchor, node, anchors);
                return node;
            case SequenceStart ss:
                var items = new List<YNode>();
                while (!parser.Accept<SequenceEnd>(out _))
                {
                    items.Add(Read(parser, anchors, depth + 1));
                }
                parser.Consume<SequenceEnd>();
                node = new YSequence(Loc(ss.Start), items);
                Remember(ss.Anchor, node, anchors);
                return node;
            case MappingStart ms:
                var entries = new List<KeyValuePair<YScalar, YNode>>();
                while (!parser.Accept<MappingEnd>(out _))
                {
                    var keyNode = Read(parser, anchors, depth + 1);
                    var value = Read(parser, anchors, depth + 1);
                    var key = keyNode as YScalar ?? new YScalar(keyNode.Start, "<complex key>", false);
                    entries.Add(new(key, value));
                }
                parser.Consume<MappingEnd>();
                node = new YMapping(Loc(ms.Start), entries);
                Remember(ms.Anchor, node, anchors);
                return node;
            case AnchorAlias alias:
                return anchors.TryGetValue(alias.Value.Value, out var target)
                    ? target
                    : throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
            default:
                throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
        }
    }

    private static void Remember(AnchorName anchor, YNode node, Dictionary<string, YNode> anchors)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }

    private static SourceLocation Loc(Mark mark) => new((int)mark.Line, (int)mark.Column);

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (...): "; we print our own position.
        var i = message.LastIndexOf("): ", StringComparison.Ordinal);
        return i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
    }
}
