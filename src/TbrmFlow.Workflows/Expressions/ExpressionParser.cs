using System.Globalization;
using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Expressions;

/// <summary>
/// Recursive-descent parser for the expression language. Precedence, loosest first:
/// <c>||</c>, <c>&amp;&amp;</c>, <c>== !=</c>, <c>&lt; &lt;= &gt; &gt;=</c>, <c>+ -</c>, <c>* / %</c>, unary <c>! -</c>, then
/// member access <c>a.b</c>, indexing <c>a[b]</c> and calls <c>f(x, y)</c>.
/// </summary>
public static class ExpressionParser
{
    private static readonly string[][] Levels = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]];

    /// <summary>Parses one expression (the text between <c>${{</c> and <c>}}</c>).</summary>
    /// <exception cref="ExpressionException">With the offset of the problem.</exception>
    public static Expr Parse(string text)
    {
        var tokens = Lexer.Tokenize(text);
        if (tokens[0].Kind == TokenKind.End)
        {
            throw new ExpressionException("empty expression", 0);
        }
        var pos = 0;
        var expr = Binary(tokens, ref pos, 0);
        if (tokens[pos].Kind != TokenKind.End)
        {
            throw new ExpressionException($"unexpected '{tokens[pos].Text}'", tokens[pos].Position);
        }
        return expr;
    }

    private static Expr Binary(List<Token> t, ref int pos, int level)
    {
        if (level == Levels.Length)
        {
            return Unary(t, ref pos);
        }
        var left = Binary(t, ref pos, level + 1);
        while (t[pos].Kind == TokenKind.Operator && Levels[level].Contains(t[pos].Text))
        {
            var op = t[pos++];
            var right = Binary(t, ref pos, level + 1);
            left = new Expr.Binary(op.Position, op.Text, left, right);
        }
        return left;
    }

    private static Expr Unary(List<Token> t, ref int pos)
    {
        if (t[pos] is { Kind: TokenKind.Operator, Text: "!" or "-" } op)
        {
            pos++;
            return new Expr.Unary(op.Position, op.Text, Unary(t, ref pos));
        }
        return Postfix(t, ref pos);
    }

    private static Expr Postfix(List<Token> t, ref int pos)
    {
        var expr = Primary(t, ref pos);
        while (t[pos].Kind == TokenKind.Operator && t[pos].Text is "." or "[")
        {
            var op = t[pos++];
            if (op.Text == ".")
            {
                var name = t[pos];
                if (name.Kind is not (TokenKind.Identifier or TokenKind.Number))
                {
                    throw new ExpressionException("expected a name after '.'", name.Position);
                }
                pos++;
                expr = new Expr.Member(name.Position, expr, name.Text);
            }
            else
            {
                var key = Binary(t, ref pos, 0);
                Expect(t, ref pos, "]");
                expr = new Expr.Index(op.Position, expr, key);
            }
        }
        return expr;
    }

    private static Expr Primary(List<Token> t, ref int pos)
    {
        var tok = t[pos++];
        switch (tok.Kind)
        {
            case TokenKind.Number:
                if (long.TryParse(tok.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                {
                    return new Expr.Literal(tok.Position, JsonValue.Create(integer));
                }
                return double.TryParse(tok.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                    ? new Expr.Literal(tok.Position, JsonValue.Create(real))
                    : throw new ExpressionException($"bad number '{tok.Text}'", tok.Position);
            case TokenKind.String:
                return new Expr.Literal(tok.Position, JsonValue.Create(tok.Text));
            case TokenKind.Identifier:
                switch (tok.Text)
                {
                    case "true": return new Expr.Literal(tok.Position, JsonValue.Create(true));
                    case "false": return new Expr.Literal(tok.Position, JsonValue.Create(false));
                    case "null": return new Expr.Literal(tok.Position, null);
                }
                if (t[pos] is { Kind: TokenKind.Operator, Text: "(" })
                {
                    pos++;
                    var args = new List<Expr>();
                    if (t[pos] is not { Kind: TokenKind.Operator, Text: ")" })
                    {
                        args.Add(Binary(t, ref pos, 0));
                        while (t[pos] is { Kind: TokenKind.Operator, Text: "," })
                        {
                            pos++;
                            args.Add(Binary(t, ref pos, 0));
                        }
                    }
                    Expect(t, ref pos, ")");
                    return new Expr.Call(tok.Position, tok.Text, args);
                }
                return new Expr.Name(tok.Position, tok.Text);
            case TokenKind.Operator when tok.Text == "(":
                var inner = Binary(t, ref pos, 0);
                Expect(t, ref pos, ")");
                return inner;
            case TokenKind.End:
                throw new ExpressionException("unexpected end of expression", tok.Position);
            default:
                throw new ExpressionException($"unexpected '{tok.Text}'", tok.Position);
        }
    }

    private static void Expect(List<Token> t, ref int pos, string op)
    {
        if (t[pos] is not { Kind: TokenKind.Operator } tok || tok.Text != op)
        {
            throw new ExpressionException(t[pos].Kind == TokenKind.End ? $"missing '{op}'" : $"expected '{op}', found '{t[pos].Text}'", t[pos].Position);
        }
        pos++;
    }
}
