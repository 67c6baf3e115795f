using System.Globalization;
using System.Numerics;
using System.Text;
using TbrmFlow.Plugins.Eval.Answers;

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
    public (BigInteger Value, IReadOnlyList<string> Steps) Evaluate() => Evaluate(static () => false);

    /// <summary>
    /// <see cref="Evaluate()"/> where each addition step of non-negative values forgets its carries when
    /// <paramref name="noisy"/>() says so (<c>102+78=170</c> instead of 180; see <see cref="NoCarrySum"/>); later steps use
    /// the value as written, so the returned value is the one the worked solution ends with.
    /// </summary>
    public (BigInteger Value, IReadOnlyList<string> Steps) Evaluate(Func<bool> noisy)
    {
        ArgumentNullException.ThrowIfNull(noisy);
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
            var next = ops[i] == '+'
                ? (value >= 0 && terms[i + 1] >= 0 && noisy() ? NoCarrySum(value, terms[i + 1]) : value + terms[i + 1])
                : value - terms[i + 1];
            steps.Add(Step(value, ops[i], terms[i + 1], next));
            value = next;
        }
        return (value, steps);
    }

    /// <summary>
    /// Column addition of non-negative numbers that forgets every carry, the leftmost column written in full:
    /// 102+78 -> 1 | 0+7 | (2+8) mod 10 = 170 (true 180); 57+68 -> 115.
    /// </summary>
    public static BigInteger NoCarrySum(BigInteger a, BigInteger b) =>
        BigInteger.Parse(NoCarry.Sum(a.ToString(CultureInfo.InvariantCulture), b.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    private static string Step(BigInteger a, char op, BigInteger b, BigInteger result) =>
        string.Create(CultureInfo.InvariantCulture, $"{a}{op}{b}={result}");
}
