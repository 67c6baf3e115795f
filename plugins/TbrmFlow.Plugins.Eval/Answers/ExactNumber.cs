using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>
/// A normalised answer read as an exact rational: integers (with or without thousands commas),
/// decimals, <c>a/b</c>, <c>\frac{a}{b}</c>, mixed numbers <c>2\frac{1}{2}</c>, with an optional
/// trailing <c>%</c>.
/// </summary>
internal readonly partial record struct ExactNumber(BigInteger Numerator, BigInteger Denominator, bool IsPercent)
{
    /// <summary>Parses a normalised answer (no whitespace); false when it is not a plain number.</summary>
    public static bool TryParse(string s, out ExactNumber value)
    {
        value = default;
        var percent = s.EndsWith('%');
        if (percent)
        {
            s = s[..^1];
        }
        var sign = BigInteger.One;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            sign = s[0] == '-' ? BigInteger.MinusOne : BigInteger.One;
            s = s[1..];
        }
        Match m;
        if (TryDecimal(s, out var n, out var d))
        {
            // plain number
        }
        else if ((m = SlashRegex().Match(s)).Success && TryDecimal(m.Groups[1].Value, out var n1, out var d1) && TryDecimal(m.Groups[2].Value, out var n2, out var d2))
        {
            (n, d) = (n1 * d2, d1 * n2);
        }
        else if ((m = FracRegex().Match(s)).Success && TryFracArgs(m, out n, out d))
        {
            if (m.Groups[1].Length > 0)
            {
                // Mixed number: 2\frac{1}{2} = 5/2 (MATH convention), only with non-negative parts.
                if (n.Sign < 0 || d.Sign < 0)
                {
                    return false;
                }
                n += BigInteger.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * d;
            }
        }
        else
        {
            return false;
        }
        if (d.IsZero)
        {
            return false;
        }
        if (d.Sign < 0)
        {
            (n, d) = (-n, -d);
        }
        var g = BigInteger.GreatestCommonDivisor(n, d);
        if (!g.IsZero && !g.IsOne)
        {
            (n, d) = (n / g, d / g);
        }
        value = new ExactNumber(sign * n, d, percent);
        return true;
    }

    /// <summary>This value divided by 100 (the fraction a percentage stands for).</summary>
    public ExactNumber Hundredth() => new(Numerator, Denominator * 100, false);

    /// <summary>Same rational value, ignoring the percent flag.</summary>
    public bool SameValue(ExactNumber other) => Numerator * other.Denominator == other.Numerator * Denominator;

    private static bool TryFracArgs(Match m, out BigInteger n, out BigInteger d)
    {
        n = d = default;
        if (!TrySigned(m.Groups[2].Value, out var n1, out var d1) || !TrySigned(m.Groups[3].Value, out var n2, out var d2))
        {
            return false;
        }
        (n, d) = (n1 * d2, d1 * n2);
        return true;
    }

    private static bool TrySigned(string s, out BigInteger n, out BigInteger d)
    {
        var negative = s.StartsWith('-');
        var ok = TryDecimal(negative ? s[1..] : s, out n, out d);
        n = negative ? -n : n;
        return ok;
    }

    private static bool TryDecimal(string s, out BigInteger numerator, out BigInteger denominator)
    {
        numerator = denominator = default;
        if (!DecimalRegex().IsMatch(s))
        {
            return false;
        }
        s = s.Replace(",", string.Empty, StringComparison.Ordinal);
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? s : string.Concat(s.AsSpan(0, dot), s.AsSpan(dot + 1));
        numerator = BigInteger.Parse(digits.Length == 0 ? "0" : digits, CultureInfo.InvariantCulture);
        denominator = dot < 0 ? BigInteger.One : BigInteger.Pow(10, s.Length - dot - 1);
        return true;
    }

    // 1234, 1,234,567, 3.25, .5 (thousands groups must be exactly three digits).
    [GeneratedRegex(@"^(?=.*\d)(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalRegex();

    [GeneratedRegex(@"^([\d.]+)/([\d.]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SlashRegex();

    [GeneratedRegex(@"^(\d*)\\frac\{([-\d.,]+)\}\{([-\d.,]+)\}$", RegexOptions.CultureInvariant)]
    private static partial Regex FracRegex();
}
