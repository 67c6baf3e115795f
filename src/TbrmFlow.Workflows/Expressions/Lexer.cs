using System.Text;

namespace TbrmFlow.Workflows.Expressions;

/// <summary>
/// Splits expression text into tokens. Identifiers may contain <c>-</c> between letters or digits
/// (stage ids like <c>eval-sft</c>), so subtraction needs spaces around the minus: <c>a - b</c>.
/// </summary>
internal static class Lexer
{
    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ","];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || (text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
                {
                    i++;
                }
                if (i < text.Length && text[i] is 'e' or 'E')
                {
                    var j = i + 1;
                    if (j < text.Length && text[j] is '+' or '-')
                    {
                        j++;
                    }
                    if (j < text.Length && char.IsAsciiDigit(text[j]))
                    {
                        i = j;
                        while (i < text.Length && char.IsAsciiDigit(text[i]))
                        {
                            i++;
                        }
                    }
                }
                tokens.Add(new Token(TokenKind.Number, text[start..i], start));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'
                    || (text[i] == '-' && i + 1 < text.Length && (char.IsAsciiLetterOrDigit(text[i + 1]) || text[i + 1] == '_'))))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(ReadString(text, ref i));
            }
            else
            {
                var op = Operators.FirstOrDefault(o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0)
                    ?? throw new ExpressionException($"unexpected character '{c}'", i);
                tokens.Add(new Token(TokenKind.Operator, op, i));
                i += op.Length;
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }

    private static Token ReadString(string text, ref int i)
    {
        var quote = text[i];
        var start = i++;
        var value = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
            {
                throw new ExpressionException("unterminated string", start);
            }
            var c = text[i++];
            if (c == quote)
            {
                // '' inside a single-quoted string is one quote (as in YAML and GitHub Actions).
                if (i < text.Length && text[i] == quote)
                {
                    value.Append(quote);
                    i++;
                    continue;
                }
                return new Token(TokenKind.String, value.ToString(), start);
            }
            if (c == '\\' && quote == '"' && i < text.Length)
            {
                var e = text[i++];
                value.Append(e switch { 'n' => '\n', 't' => '\t', _ => e });
                continue;
            }
            value.Append(c);
        }
    }
}
