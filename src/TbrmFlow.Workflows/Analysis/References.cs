using TbrmFlow.Workflows.Expressions;

namespace TbrmFlow.Workflows.Analysis;

/// <summary>Finds what an expression refers to, without evaluating it.</summary>
public static class References
{
    /// <summary>The contexts an expression may use.</summary>
    public static IReadOnlyList<string> Contexts { get; } = ["params", "stages", "matrix", "loop", "run"];

    /// <summary>Every context reference in <paramref name="expr"/>, including unknown root names and functions.</summary>
    public static List<Reference> Find(Expr expr)
    {
        var result = new List<Reference>();
        var outputs = new Dictionary<Expr, (string Output, int Position)>(ReferenceEqualityComparer.Instance);
        foreach (var node in expr.Walk())
        {
            if (node is Expr.Member { Target: Expr.Member { MemberName: "outputs", Target: var stage } } m && IsStageAccess(stage))
            {
                outputs[stage] = (m.MemberName, m.Position);
            }
        }
        foreach (var node in expr.Walk())
        {
            switch (node)
            {
                case Expr.Member { Target: Expr.Name { Identifier: "stages" } } s:
                    result.Add(new Reference("stages", s.MemberName, null, outputs.TryGetValue(s, out var o) ? o.Output : null, s.Position) { OutputPosition = outputs.TryGetValue(s, out var op) ? op.Position : s.Position });
                    break;
                case Expr.Index { Target: Expr.Name { Identifier: "stages" } } i:
                    result.Add(new Reference("stages", null, i.Key, outputs.TryGetValue(i, out var io) ? io.Output : null, i.Key.Position) { OutputPosition = outputs.TryGetValue(i, out var iop) ? iop.Position : i.Key.Position });
                    break;
                case Expr.Member { Target: Expr.Name { Identifier: var root and not "stages" } } member:
                    result.Add(new Reference(root, member.MemberName, null, null, member.Position));
                    break;
                case Expr.Index { Target: Expr.Name { Identifier: var root and not "stages" }, Key: Expr.Literal { Value: { } lit } } idx:
                    result.Add(new Reference(root, ExpressionEvaluator.Stringify(lit), null, null, idx.Key.Position));
                    break;
                case Expr.Name n when !Contexts.Contains(n.Identifier):
                    result.Add(new Reference(n.Identifier, null, null, null, n.Position));
                    break;
                case Expr.Call c when !Functions.Names.Contains(c.Function):
                    result.Add(new Reference("function", c.Function, null, null, c.Position));
                    break;
            }
        }
        return result;
    }

    private static bool IsStageAccess(Expr e) =>
        e is Expr.Member { Target: Expr.Name { Identifier: "stages" } } or Expr.Index { Target: Expr.Name { Identifier: "stages" } };
}
