using System.Text;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TbrmFlow.Workflows.Yaml;

/// <summary>
/// Builds a <see cref="YNode"/> tree from YamlDotNet's event stream (first document only), within
/// <see cref="WorkflowLimits"/>: document size, scalar length, nesting depth, and the number of nodes and of
/// value characters, where an alias counts as every node (and character) it stands for. Alias nodes are shared, not copied, but every walk
/// that follows (conversion to JSON, positions, validation) sees them expanded, so the expanded size is
/// what is bounded; the depth bound also keeps every recursive walk of the tree shallow.
/// </summary>
public static class YamlTreeLoader
{
    /// <summary>Loads text; on a syntax error or a limit returns null and adds a TF0001 or TF0040 diagnostic.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="diagnostics">Where the problem goes.</param>
    /// <param name="cancellationToken">Checked once per node.</param>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static YNode? Load(string text, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken = default)
    {
        if (TooLarge(text) is { } at)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.Limit,
                $"the document is {Encoding.UTF8.GetByteCount(text)} bytes; workflows are at most {WorkflowLimits.MaxDocumentBytes} bytes {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxDocumentBytes), WorkflowLimits.MaxDocumentBytes)}", at));
            return null;
        }
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            return new Reader(parser, cancellationToken).Read(0).Node;
        }
        catch (LimitException e)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.Limit, e.Message, Position(e.Start)));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner can fail outside its own exception type on some malformed input (found by the fuzz test).
            diagnostics.Add(new Diagnostic(DiagnosticCodes.YamlSyntax, "YAML syntax: the YAML reader could not continue here", Position(parser.Current?.Start ?? Mark.Empty)));
            return null;
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            diagnostics.Add(new Diagnostic(DiagnosticCodes.YamlSyntax, $"YAML syntax: {Clean(message)}", Position(e.Start)));
            return null;
        }
    }

    /// <summary>Where the text passes <see cref="WorkflowLimits.MaxDocumentBytes"/> UTF-8 bytes, or null when it does not.</summary>
    private static SourceLocation? TooLarge(string text)
    {
        // A UTF-8 character is at most 3 bytes per UTF-16 unit, so short texts need no counting.
        if (text.Length * 3L <= WorkflowLimits.MaxDocumentBytes || Encoding.UTF8.GetByteCount(text) <= WorkflowLimits.MaxDocumentBytes)
        {
            return null;
        }
        int line = 1, column = 1;
        long bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > WorkflowLimits.MaxDocumentBytes)
            {
                break;
            }
            (line, column) = rune.Value == '\n' ? (line + 1, 1) : (line, column + 1);
        }
        return new SourceLocation(line, column);
    }

    private static SourceLocation Position(Mark mark) => new(Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (...): "; we print our own position.
        var i = message.LastIndexOf("): ", StringComparison.Ordinal);
        return i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
    }

    /// <summary>A node with its expanded size (nodes and scalar characters, aliases expanded) and height (levels below and including it).</summary>
    private readonly record struct Loaded(YNode Node, long Size, long Chars, int Height);

    /// <summary>A document beyond one of the limits; reported as TF0040 at <see cref="YamlException.Start"/>.</summary>
    private sealed class LimitException(Mark start, string message) : YamlException(start, start, message);

    private sealed class Reader(IParser parser, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, Loaded> _anchors = new(StringComparer.Ordinal);
        private long _nodes;
        private long _chars;

        /// <summary>Reads the node at <paramref name="depth"/> (0 for the document's root).</summary>
        public Loaded Read(int depth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ev = parser.Consume<ParsingEvent>();
            if (ev is AnchorAlias alias)
            {
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
                }
                CheckDepth(depth + target.Height - 1, alias.Start);
                Count(target.Size, alias.Start, alias: true);
                _chars += target.Chars;
                if (_chars > WorkflowLimits.MaxExpandedChars)
                {
                    throw new LimitException(alias.Start,
                        $"this alias makes the document's values more than {WorkflowLimits.MaxExpandedChars} characters once aliases are expanded {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxExpandedChars), WorkflowLimits.MaxExpandedChars)}");
                }
                return target;
            }
            if (ev is not NodeEvent node)
            {
                throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
            }
            CheckDepth(depth, ev.Start);
            Count(1, ev.Start, alias: false);
            var loaded = node switch
            {
                Scalar s => Scalar(s),
                SequenceStart ss => Sequence(ss, depth),
                MappingStart ms => Mapping(ms, depth),
                _ => throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}"),
            };
            if (!node.Anchor.IsEmpty)
            {
                _anchors[node.Anchor.Value] = loaded;
            }
            return loaded;
        }

        private Loaded Scalar(Scalar s)
        {
            if (s.Value.Length > WorkflowLimits.MaxScalarLength)
            {
                throw new LimitException(s.Start,
                    $"a value of {s.Value.Length} characters; values are at most {WorkflowLimits.MaxScalarLength} characters {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxScalarLength), WorkflowLimits.MaxScalarLength)}");
            }
            var quoted = s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
            var start = new SourceLocation((int)s.Start.Line, (int)s.Start.Column + (quoted ? 1 : 0));
            _chars += s.Value.Length; // at most the document's size without aliases
            return new Loaded(new YScalar(start, s.Value, s.Style is ScalarStyle.Plain or ScalarStyle.Any), 1, s.Value.Length, 1);
        }

        private Loaded Sequence(SequenceStart start, int depth)
        {
            var items = new List<YNode>();
            long size = 1, chars = 0;
            var height = 0;
            while (!parser.Accept<SequenceEnd>(out _))
            {
                var item = Read(depth + 1);
                items.Add(item.Node);
                size += item.Size;
                chars += item.Chars;
                height = Math.Max(height, item.Height);
            }
            parser.Consume<SequenceEnd>();
            return new Loaded(new YSequence(Loc(start.Start), items), size, chars, height + 1);
        }

        private Loaded Mapping(MappingStart start, int depth)
        {
            var entries = new List<KeyValuePair<YScalar, YNode>>();
            long size = 1, chars = 0;
            var height = 0;
            while (!parser.Accept<MappingEnd>(out _))
            {
                var key = Read(depth + 1);
                var value = Read(depth + 1);
                entries.Add(new(key.Node as YScalar ?? new YScalar(key.Node.Start, "<complex key>", false), value.Node));
                size += key.Size + value.Size;
                chars += key.Chars + value.Chars;
                height = Math.Max(height, Math.Max(key.Height, value.Height));
            }
            parser.Consume<MappingEnd>();
            return new Loaded(new YMapping(Loc(start.Start), entries), size, chars, height + 1);
        }

        private static void CheckDepth(int depth, Mark at)
        {
            if (depth >= WorkflowLimits.MaxYamlDepth)
            {
                throw new LimitException(at,
                    $"the document nests deeper than {WorkflowLimits.MaxYamlDepth} levels (aliases count at the depth they are used) {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxYamlDepth), WorkflowLimits.MaxYamlDepth)}");
            }
        }

        private void Count(long nodes, Mark at, bool alias)
        {
            _nodes += nodes;
            if (_nodes > WorkflowLimits.MaxYamlNodes)
            {
                throw new LimitException(at, alias
                    ? $"this alias makes the document more than {WorkflowLimits.MaxYamlNodes} YAML nodes once aliases are expanded (an alias counts as every node it repeats) {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxYamlNodes), WorkflowLimits.MaxYamlNodes)}"
                    : $"the document has more than {WorkflowLimits.MaxYamlNodes} YAML nodes {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxYamlNodes), WorkflowLimits.MaxYamlNodes)}");
            }
        }

        private static SourceLocation Loc(Mark mark) => new((int)mark.Line, (int)mark.Column);
    }
}
