using System.Text.RegularExpressions;

namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>
/// Math-aware answer equality. Both sides are normalised (<see cref="AnswerNormalizer"/>), then
/// compared as text, as exact rationals (<c>1,000</c> = <c>1000</c>, <c>0.5</c> = <c>1/2</c> =
/// <c>\frac{1}{2}</c>, <c>50%</c> = <c>50</c> = <c>0.5</c>), element by element for tuples and
/// intervals (same brackets, same order), and as simple symbolic expressions evaluated at fixed points.
/// When unsure, the answer is "not equal".
/// </summary>
public static partial class AnswerEquivalence
{
    /// <summary>True when <paramref name="predicted"/> and <paramref name="reference"/> denote the same answer.</summary>
    public static bool AreEqual(string? predicted, string? reference)
    {
        var a = AnswerNormalizer.Normalize(predicted);
        var b = AnswerNormalizer.Normalize(reference);
        return a.Length > 0 && b.Length > 0 && NormalizedEqual(a, b, depth: 0);
    }

    private static bool NormalizedEqual(string a, string b, int depth)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return true;
        }
        if (depth > 3)
        {
            return false;
        }
        // "x=5" against "5": compare the right-hand side of a one-variable assignment.
        var (ra, rb) = (AssignedValue(a), AssignedValue(b));
        if ((ra is not null) != (rb is not null))
        {
            return NormalizedEqual(ra ?? a, rb ?? b, depth + 1);
        }
        if (ra is not null && rb is not null)
        {
            // "x=5" against "x=5.0": same variable, compare the values.
            return string.Equals(a[..a.IndexOf('=', StringComparison.Ordinal)], b[..b.IndexOf('=', StringComparison.Ordinal)], StringComparison.Ordinal)
                && NormalizedEqual(ra, rb, depth + 1);
        }
        if (IsWord(a) && IsWord(b))
        {
            return string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }
        var la = SplitList(a);
        var lb = SplitList(b);
        if (la is not null || lb is not null)
        {
            return la is not null && lb is not null && la.Open == lb.Open && la.Close == lb.Close
                && la.Items.Count == lb.Items.Count
                && la.Items.Zip(lb.Items).All(p => NormalizedEqual(p.First, p.Second, depth + 1));
        }
        var na = ExactNumber.TryParse(a, out var xa);
        var nb = ExactNumber.TryParse(b, out var xb);
        if (na && nb)
        {
            return NumbersEqual(xa, xb);
        }
        if (a.Contains('%', StringComparison.Ordinal) || b.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }
        var sa = SymbolicExpression.TryParse(a);
        var sb = sa is null ? null : SymbolicExpression.TryParse(b);
        return sb is not null && sa!.IsEquivalentTo(sb);
    }

    private static bool NumbersEqual(ExactNumber a, ExactNumber b)
    {
        if (a.IsPercent == b.IsPercent)
        {
            return a.SameValue(b);
        }
        // "50%" equals "50" (the sign dropped) and "0.5" (the fraction it stands for).
        var (percent, plain) = a.IsPercent ? (a, b) : (b, a);
        return percent.SameValue(plain) || percent.Hundredth().SameValue(plain);
    }

    private static string? AssignedValue(string s)
    {
        var m = AssignmentRegex().Match(s);
        return m.Success ? m.Groups[1].Value : null;
    }

    private static bool IsWord(string s) => s.Length > 2 && s.All(char.IsLetter);

    private static BracketList? SplitList(string s)
    {
        if (ThousandsRegex().IsMatch(s))
        {
            return null;
        }
        var open = string.Empty;
        var close = string.Empty;
        var inner = s;
        if (s.Length >= 2 && s[0] is '(' or '[' or '{' && s[^1] is ')' or ']' or '}' && MatchingClose(s) == s.Length - 1)
        {
            (open, close, inner) = (s[..1], s[^1..], s[1..^1]);
        }
        var items = SplitTopLevel(inner);
        if (items.Count < 2)
        {
            // "(5)" is a parenthesised number, not a one-tuple.
            return null;
        }
        return new BracketList(open, close, items);
    }

    private static int MatchingClose(string s)
    {
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] is '(' or '[' or '{')
            {
                depth++;
            }
            else if (s[i] is ')' or ']' or '}' && --depth == 0)
            {
                return i;
            }
        }
        return -1;
    }

    private static List<string> SplitTopLevel(string s)
    {
        var items = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] is '(' or '[' or '{')
            {
                depth++;
            }
            else if (s[i] is ')' or ']' or '}')
            {
                depth--;
            }
            else if (s[i] == ',' && depth == 0)
            {
                items.Add(s[start..i]);
                start = i + 1;
            }
        }
        items.Add(s[start..]);
        return items;
    }

    private sealed record BracketList(string Open, string Close, List<string> Items);

    [GeneratedRegex(@"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$", RegexOptions.CultureInvariant)]
    private static partial Regex ThousandsRegex();

    [GeneratedRegex(@"^[a-zA-Z](?:_\w|_\{\w+\})?=([^=<>≤≥]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AssignmentRegex();
}
