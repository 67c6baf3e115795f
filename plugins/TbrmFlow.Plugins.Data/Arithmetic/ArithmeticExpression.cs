using System.Globalization;
using System.Numerics;
using System.Text;

namespace TbrmFlow.Plugins.Data.Arithmetic;

/// <summary>Operands and operators of one problem, with its value and worked steps.</summary>
/// <param name="Operands">n + 1 operands.</param>
/// <param name="Ops">n operators from <c>+ - *</c>.</param>
public sealed record ArithmeticExpression(IReadOnlyList<long> Operands, IReadOnlyList<char> Ops)
{
    /// <summary>The canonical text, <c>12+34*5</c> (what makes two problems the same).</summary>
    public string Canonical
    {
        get
        {
            var sb = new StringBuilder(Operands[0].ToString(CultureInfo.InvariantCulture));
            for (var i = 0; i < Ops.Count; i++)
            {
                sb.Append(Ops[i]).Append(Operands[i + 1].ToString(CultureInfo.InvariantCulture));
            }
            return sb.ToString();
        }
    }

    /// <summary>The question in <paramref name="style"/>.</summary>
    public string Question(ArithmeticStyle style) => style switch
    {
        ArithmeticStyle.Compact => Canonical + "=",
        _ => "What is " + Canonical.Replace("+", " + ", StringComparison.Ordinal).Replace("-", " - ", StringComparison.Ordinal).Replace("*", " * ", StringComparison.Ordinal) + "?",
    };

    /// <summary>
    /// Evaluates with precedence and returns the worked steps: every multiplication first, left to
    /// right, then additions and subtractions left to right, one <c>a op b=c</c> step each.
    /// </summary>
    public (BigInteger Value, IReadOnlyList<string> Steps) Evaluate()
    {
        var terms = new List<BigInteger> { Operands[0] };
        var ops = new List<char>();
        var steps = new List<string>();
        for (var i = 0; i < Ops.Count; i++)
        {
            if (Ops[i] == '*')
            {
                var product = terms[^1] * Operands[i + 1];
                steps.Add(Step(terms[^1], '*', Operands[i + 1], product));
                terms[^1] = product;
            }
            else
            {
                ops.Add(Ops[i]);
                terms.Add(Operands[i + 1]);
            }
        }
        var value = terms[0];
        for (var i = 0; i < ops.Count; i++)
        {
            var next = ops[i] == '+' ? value + terms[i + 1] : value - terms[i + 1];
            steps.Add(Step(value, ops[i], terms[i + 1], next));
            value = next;
        }
        return (value, steps);
    }

    private static string Step(BigInteger a, char op, BigInteger b, BigInteger result) =>
        string.Create(CultureInfo.InvariantCulture, $"{a}{op}{b}={result}");
}
