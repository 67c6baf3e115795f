namespace TbrmFlow.Workflows.Expressions;

/// <summary>One lexical token: its kind, its text and its 0-based offset.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">The source text (for strings: the unescaped value).</param>
/// <param name="Position">0-based offset.</param>
internal readonly record struct Token(TokenKind Kind, string Text, int Position);

/// <summary>Token kinds.</summary>
internal enum TokenKind
{
    End,
    Number,
    String,
    Identifier,
    Operator,
}
