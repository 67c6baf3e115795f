using System.Globalization;
using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Workflows.Expressions;

/// <summary>
/// Recursive-descent parser for the expression language. Precedence, loosest first:
/// <c>||</c>, <c>&amp;&amp;</c>, <c>== !=</c>, <c>&lt; &lt;= &gt; &gt;=</c>, <c>+ -</c>, <c>* / %</c>, unary <c>! -</c>, then
/// member access <c>a.b</c>, indexing <c>a[b]</c> and calls <c>f(x, y)</c>.
/// </summary>
/// <remarks>
/// Bounded: the text is at most <see cref="WorkflowLimits.MaxExpressionLength"/> characters, the parser's own
/// recursion (unary operators, parentheses, indexers, call arguments) at most <see cref="WorkflowLimits.MaxExpressionDepth"/>
/// levels deep, and so is the tree it builds (which also bounds long operator and member chains), so every
/// recursive walk of an <see cref="Expr"/> (evaluation, <see cref="Expr.Walk"/>) stays shallow.
/// </remarks>
public static class ExpressionParser
{
    private static readonly string[][] Levels = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]];

    /// <summary>Parses one expression (the text between <c>${{</c> and <c>}}</c>).</summary>
    /// <exception cref="ExpressionException">With the offset of the problem; <see cref="ExpressionException.IsLimit"/> for a limit.</exception>
    public static Expr Parse(string text)
    {
        if (text.Length > WorkflowLimits.MaxExpressionLength)
        {
            throw ExpressionException.Limit(
                $"the expression is {text.Length} characters long; split it up {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxExpressionLength), WorkflowLimits.MaxExpressionLength)}",
                WorkflowLimits.MaxExpressionLength);
        }
        var tokens = Lexer.Tokenize(text);
        if (tokens[0].Kind == TokenKind.End)
        {
            throw new ExpressionException("empty expression", 0);
        }
        var reader = new Reader(tokens);
        var expr = reader.Binary(0).Node;
        reader.ExpectEnd();
        return expr;
    }

    /// <summary>A node and the height of its tree (a leaf is 1).</summary>
    private readonly record struct Parsed(Expr Node, int Height);

    private sealed class Reader(List<Token> t)
    {
        private int _pos;
        private int _nesting;

        public void ExpectEnd()
        {
            if (t[_pos].Kind != TokenKind.End)
            {
                throw new ExpressionException($"unexpected '{t[_pos].Text}'", t[_pos].Position);
            }
        }

        public Parsed Binary(int level)
        {
            if (level == Levels.Length)
            {
                return Unary();
            }
            var left = Binary(level + 1);
            while (t[_pos].Kind == TokenKind.Operator && Levels[level].Contains(t[_pos].Text))
            {
                var op = t[_pos++];
                var right = Binary(level + 1);
                left = Node(new Expr.Binary(op.Position, op.Text, left.Node, right.Node), op.Position, left.Height, right.Height);
            }
            return left;
        }

        private Parsed Unary()
        {
            if (t[_pos] is { Kind: TokenKind.Operator, Text: "!" or "-" } op)
            {
                _pos++;
                var operand = Nested(op.Position, Unary);
                return Node(new Expr.Unary(op.Position, op.Text, operand.Node), op.Position, operand.Height);
            }
            return Postfix();
        }

        private Parsed Postfix()
        {
            var expr = Primary();
            while (t[_pos].Kind == TokenKind.Operator && t[_pos].Text is "." or "[")
            {
                var op = t[_pos++];
                if (op.Text == ".")
                {
                    var name = t[_pos];
                    if (name.Kind is not (TokenKind.Identifier or TokenKind.Number))
                    {
                        throw new ExpressionException("expected a name after '.'", name.Position);
                    }
                    _pos++;
                    expr = Node(new Expr.Member(name.Position, expr.Node, name.Text), name.Position, expr.Height);
                }
                else
                {
                    var key = Nested(op.Position, () => Binary(0));
                    Expect("]");
                    expr = Node(new Expr.Index(op.Position, expr.Node, key.Node), op.Position, expr.Height, key.Height);
                }
            }
            return expr;
        }

        private Parsed Primary()
        {
            var tok = t[_pos++];
            switch (tok.Kind)
            {
                case TokenKind.Number:
                    if (long.TryParse(tok.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                    {
                        return Leaf(new Expr.Literal(tok.Position, JsonValue.Create(integer)));
                    }
                    return double.TryParse(tok.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)
                        ? Leaf(new Expr.Literal(tok.Position, JsonValue.Create(real)))
                        : throw new ExpressionException($"bad number '{Short(tok.Text)}' (numbers are 64-bit floats)", tok.Position);
                case TokenKind.String:
                    return Leaf(new Expr.Literal(tok.Position, JsonValue.Create(tok.Text)));
                case TokenKind.Identifier:
                    switch (tok.Text)
                    {
                        case "true": return Leaf(new Expr.Literal(tok.Position, JsonValue.Create(true)));
                        case "false": return Leaf(new Expr.Literal(tok.Position, JsonValue.Create(false)));
                        case "null": return Leaf(new Expr.Literal(tok.Position, null));
                    }
                    if (t[_pos] is { Kind: TokenKind.Operator, Text: "(" })
                    {
                        _pos++;
                        return Nested(tok.Position, () => Call(tok));
                    }
                    return Leaf(new Expr.Name(tok.Position, tok.Text));
                case TokenKind.Operator when tok.Text == "(":
                    var inner = Nested(tok.Position, () => Binary(0));
                    Expect(")");
                    return inner;
                case TokenKind.End:
                    throw new ExpressionException("unexpected end of expression", tok.Position);
                default:
                    throw new ExpressionException($"unexpected '{tok.Text}'", tok.Position);
            }
        }

        private Parsed Call(Token name)
        {
            var args = new List<Expr>();
            var height = 0;
            if (t[_pos] is not { Kind: TokenKind.Operator, Text: ")" })
            {
                while (true)
                {
                    var arg = Binary(0);
                    args.Add(arg.Node);
                    height = Math.Max(height, arg.Height);
                    if (t[_pos] is not { Kind: TokenKind.Operator, Text: "," })
                    {
                        break;
                    }
                    _pos++;
                }
            }
            Expect(")");
            return Node(new Expr.Call(name.Position, name.Text, args), name.Position, height);
        }

        /// <summary>Parses one level deeper (inside parentheses, brackets, call arguments or after a unary operator).</summary>
        private Parsed Nested(int position, Func<Parsed> parse)
        {
            if (++_nesting > WorkflowLimits.MaxExpressionDepth)
            {
                throw TooDeep(position);
            }
            var result = parse();
            _nesting--;
            return result;
        }

        private static Parsed Leaf(Expr node) => new(node, 1);

        private static Parsed Node(Expr node, int position, params ReadOnlySpan<int> childHeights)
        {
            var height = 1;
            foreach (var h in childHeights)
            {
                height = Math.Max(height, h + 1);
            }
            return height > WorkflowLimits.MaxExpressionDepth ? throw TooDeep(position) : new Parsed(node, height);
        }

        private static ExpressionException TooDeep(int position) => ExpressionException.Limit(
            $"the expression nests deeper than {WorkflowLimits.MaxExpressionDepth} levels (operators, parentheses, indexers, calls and member accesses count) {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxExpressionDepth), WorkflowLimits.MaxExpressionDepth)}",
            position);

        private void Expect(string op)
        {
            if (t[_pos] is not { Kind: TokenKind.Operator } tok || tok.Text != op)
            {
                throw new ExpressionException(t[_pos].Kind == TokenKind.End ? $"missing '{op}'" : $"expected '{op}', found '{Short(t[_pos].Text)}'", t[_pos].Position);
            }
            _pos++;
        }

        private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
    }
}
