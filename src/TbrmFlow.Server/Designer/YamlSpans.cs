using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlScalar = YamlDotNet.Core.Events.Scalar;

namespace TbrmFlow.Server.Designer;

/// <summary>A YAML node with its character span in the source text (start inclusive, end exclusive).</summary>
/// <param name="Start">Offset of the first character (the quote for quoted scalars).</param>
/// <param name="End">Offset after the last character of the node's content (for block collections: of its last child).</param>
public abstract record SpanNode(int Start, int End);

/// <summary>A scalar (or an alias, whose value is its anchor name).</summary>
/// <param name="Start">Start offset.</param>
/// <param name="End">End offset.</param>
/// <param name="Value">The scalar's value.</param>
public sealed record SpanScalar(int Start, int End, string Value) : SpanNode(Start, End);

/// <summary>A sequence.</summary>
/// <param name="Start">Start offset.</param>
/// <param name="End">End offset.</param>
/// <param name="Flow">True for <c>[a, b]</c>.</param>
/// <param name="Items">The items.</param>
public sealed record SpanSequence(int Start, int End, bool Flow, IReadOnlyList<SpanNode> Items) : SpanNode(Start, End);

/// <summary>A mapping; for flow mappings <see cref="Close"/> is the offset of the closing brace.</summary>
/// <param name="Start">Start offset.</param>
/// <param name="End">End offset.</param>
/// <param name="Flow">True for <c>{ a: 1 }</c>.</param>
/// <param name="Close">Offset of <c>}</c> (flow only; else equal to End).</param>
/// <param name="Entries">Key/value pairs in file order.</param>
public sealed record SpanMapping(int Start, int End, bool Flow, int Close, IReadOnlyList<KeyValuePair<SpanScalar, SpanNode>> Entries) : SpanNode(Start, End)
{
    /// <summary>The first value under <paramref name="key"/>, or null.</summary>
    public SpanNode? Get(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    /// <summary>The entry under <paramref name="key"/>, or null.</summary>
    public KeyValuePair<SpanScalar, SpanNode>? Entry(string key) =>
        Entries.Any(e => e.Key.Value == key) ? Entries.First(e => e.Key.Value == key) : null;
}

/// <summary>
/// Reads YAML into <see cref="SpanNode"/>s with character offsets, so that the designer can replace or
/// insert exactly the text of one value and leave comments, key order and formatting alone.
/// </summary>
public static class YamlSpans
{
    /// <summary>The first document's root, or null when the text is empty or not valid YAML.</summary>
    public static SpanNode? TryParse(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            return Read(parser);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static SpanNode Read(IParser parser)
    {
        var ev = parser.Consume<ParsingEvent>();
        switch (ev)
        {
            case YamlScalar s:
                return new SpanScalar((int)s.Start.Index, (int)s.End.Index, s.Value);
            case AnchorAlias a:
                return new SpanScalar((int)a.Start.Index, (int)a.End.Index, a.Value.Value);
            case SequenceStart ss:
                var items = new List<SpanNode>();
                while (!parser.Accept<SequenceEnd>(out _))
                {
                    items.Add(Read(parser));
                }
                var seqEnd = parser.Consume<SequenceEnd>();
                var flowSeq = ss.Style == SequenceStyle.Flow;
                return new SpanSequence((int)ss.Start.Index, flowSeq ? (int)seqEnd.End.Index : items.Count > 0 ? items[^1].End : (int)ss.End.Index, flowSeq, items);
            case MappingStart ms:
                var entries = new List<KeyValuePair<SpanScalar, SpanNode>>();
                while (!parser.Accept<MappingEnd>(out _))
                {
                    var key = Read(parser);
                    var value = Read(parser);
                    entries.Add(new(key as SpanScalar ?? new SpanScalar(key.Start, key.End, ""), value));
                }
                var mapEnd = parser.Consume<MappingEnd>();
                var flow = ms.Style == MappingStyle.Flow;
                var end = flow ? (int)mapEnd.End.Index : entries.Count > 0 ? entries[^1].Value.End : (int)ms.End.Index;
                return new SpanMapping((int)ms.Start.Index, end, flow, flow ? (int)mapEnd.Start.Index : end, entries);
            default:
                throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
        }
    }
}
