namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>
/// A simple expression (numbers, one-letter variables, + - * / ^, parentheses and braces,
/// <c>\frac</c>, <c>\sqrt</c>, <c>\pi</c>, implicit multiplication) parsed from a normalised answer.
/// Two expressions are equal when they use the same variables and agree at several fixed points.
/// Anything else (words, functions, relations) does not parse, so it never counts as equal.
/// </summary>
internal sealed class SymbolicExpression
{
    private const int Trials = 4;
    private readonly Func<Func<char, double>, double> _evaluate;

    private SymbolicExpression(Func<Func<char, double>, double> evaluate, SortedSet<char> variables)
    {
        _evaluate = evaluate;
        Variables = variables;
    }

    /// <summary>The one-letter variables used.</summary>
    public SortedSet<char> Variables { get; }

    /// <summary>Parses <paramref name="s"/>; null when it is not a simple expression.</summary>
    public static SymbolicExpression? TryParse(string s)
    {
        if (s.Length == 0 || s.Length > 200)
        {
            return null;
        }
        var parser = new SymbolicParser(s);
        var evaluate = parser.ParseAll();
        return evaluate is null ? null : new SymbolicExpression(evaluate, parser.Variables);
    }

    /// <summary>True when both use the same variables and agree (relative 1e-9) at every point where both are finite, with at least two such points.</summary>
    public bool IsEquivalentTo(SymbolicExpression other)
    {
        if (!Variables.SetEquals(other.Variables))
        {
            return false;
        }
        var agreed = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var t = trial;
            double Value(char v) => 0.37 + (((v * 7919) + (t * 104729)) % 1000 / 400.0);
            var a = _evaluate(Value);
            var b = other._evaluate(Value);
            if (!double.IsFinite(a) || !double.IsFinite(b))
            {
                if (double.IsFinite(a) != double.IsFinite(b))
                {
                    return false;
                }
                continue;
            }
            if (Math.Abs(a - b) > 1e-9 * Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(b))))
            {
                return false;
            }
            agreed++;
        }
        return agreed >= 2 || (agreed >= 1 && Variables.Count == 0);
    }
}
