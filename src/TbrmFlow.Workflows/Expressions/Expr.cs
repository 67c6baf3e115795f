using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Expressions;

/// <summary>An expression's syntax tree. <see cref="Position"/> is the 0-based offset of the node in its source.</summary>
/// <param name="Position">0-based offset.</param>
public abstract record Expr(int Position)
{
    /// <summary>A literal number, string, boolean or null.</summary>
    /// <param name="Position">Offset.</param>
    /// <param name="Value">The value.</param>
    public sealed record Literal(int Position, JsonNode? Value) : Expr(Position);

    /// <summary>A context name: <c>params</c>, <c>stages</c>, <c>matrix</c>, <c>loop</c>, <c>run</c>.</summary>
    /// <param name="Position">Offset.</param>
    /// <param name="Identifier">The identifier.</param>
    public sealed record Name(int Position, string Identifier) : Expr(Position);

    /// <summary><c>target.member</c>.</summary>
    /// <param name="Position">Offset of the member name.</param>
    /// <param name="Target">What is accessed.</param>
    /// <param name="MemberName">The member name.</param>
    public sealed record Member(int Position, Expr Target, string MemberName) : Expr(Position);

    /// <summary><c>target[index]</c>.</summary>
    /// <param name="Position">Offset of the bracket.</param>
    /// <param name="Target">What is indexed.</param>
    /// <param name="Key">The key or position.</param>
    public sealed record Index(int Position, Expr Target, Expr Key) : Expr(Position);

    /// <summary><c>!x</c> or <c>-x</c>.</summary>
    /// <param name="Position">Offset of the operator.</param>
    /// <param name="Operator">The operator.</param>
    /// <param name="Operand">Its operand.</param>
    public sealed record Unary(int Position, string Operator, Expr Operand) : Expr(Position);

    /// <summary><c>left op right</c>.</summary>
    /// <param name="Position">Offset of the operator.</param>
    /// <param name="Operator">The operator.</param>
    /// <param name="Left">Left operand.</param>
    /// <param name="Right">Right operand.</param>
    public sealed record Binary(int Position, string Operator, Expr Left, Expr Right) : Expr(Position);

    /// <summary><c>name(args)</c>.</summary>
    /// <param name="Position">Offset of the name.</param>
    /// <param name="Function">The function name.</param>
    /// <param name="Arguments">Arguments.</param>
    public sealed record Call(int Position, string Function, IReadOnlyList<Expr> Arguments) : Expr(Position);

    /// <summary>Every node of the tree, this one first.</summary>
    public IEnumerable<Expr> Walk()
    {
        yield return this;
        IEnumerable<Expr> children = this switch
        {
            Member m => [m.Target],
            Index i => [i.Target, i.Key],
            Unary u => [u.Operand],
            Binary b => [b.Left, b.Right],
            Call c => c.Arguments,
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var node in child.Walk())
            {
                yield return node;
            }
        }
    }
}
