using TbrmFlow.Workflows.Expressions;

namespace TbrmFlow.Workflows.Analysis;

/// <summary>One use of a context in an expression, found by <see cref="References"/>.</summary>
/// <param name="Context">params, stages, matrix, loop, run, or another (unknown) name.</param>
/// <param name="Name">The member after the context (<c>params.seed</c> gives <c>seed</c>); null for <c>stages[expr]</c>.</param>
/// <param name="Key">For <c>stages[expr]</c>: the key expression.</param>
/// <param name="Output">For stage references followed by <c>.outputs.x</c>: <c>x</c>.</param>
/// <param name="Position">0-based offset in the expression text (of the stage name for stage references).</param>
public sealed record Reference(string Context, string? Name, Expr? Key, string? Output, int Position)
{
    /// <summary>0-based offset of <see cref="Output"/>, when there is one.</summary>
    public int OutputPosition { get; init; } = Position;
}
