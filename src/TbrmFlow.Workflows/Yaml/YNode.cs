using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Workflows.Yaml;

/// <summary>A YAML node with its position; the parser's own tree, so duplicate keys and positions survive.</summary>
/// <param name="Start">Where the node starts (for quoted scalars: the first character inside the quotes).</param>
public abstract record YNode(SourceLocation Start);

/// <summary>A scalar; <paramref name="Plain"/> is false for quoted and block scalars (they stay strings).</summary>
/// <param name="Start">Position of the value's first character.</param>
/// <param name="Value">The text.</param>
/// <param name="Plain">True for plain (unquoted) scalars, which YAML types as numbers, booleans or null.</param>
public sealed record YScalar(SourceLocation Start, string Value, bool Plain) : YNode(Start);

/// <summary>A sequence.</summary>
/// <param name="Start">Position.</param>
/// <param name="Items">The items in order.</param>
public sealed record YSequence(SourceLocation Start, IReadOnlyList<YNode> Items) : YNode(Start);

/// <summary>A mapping whose entries keep file order and duplicates (the validator reports them).</summary>
/// <param name="Start">Position.</param>
/// <param name="Entries">Key/value pairs in file order.</param>
public sealed record YMapping(SourceLocation Start, IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries) : YNode(Start)
{
    /// <summary>The first value with this key, or null.</summary>
    public YNode? Get(string key)
    {
        foreach (var (k, v) in Entries)
        {
            if (k.Value == key)
            {
                return v;
            }
        }
        return null;
    }

    /// <summary>The entry with this key, or null.</summary>
    public YScalar? Key(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Key;
}
