using System.Text;
using System.Text.RegularExpressions;

namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>
/// Canonical text form of an answer: math delimiters, <c>\left</c>/<c>\right</c>, LaTeX spacing,
/// degree signs, <c>\text{}</c> units, dollar signs and whitespace removed; <c>\dfrac</c>/<c>\tfrac</c>
/// become <c>\frac</c> and <c>\frac12</c> becomes <c>\frac{1}{2}</c>.
/// </summary>
public static partial class AnswerNormalizer
{
    private static readonly string[] RemovedTokens =
    [
        "\\left", "\\right", "\\!", "\\,", "\\;", "\\:", "\\ ", "\\quad", "\\qquad", "\\displaystyle",
        "^{\\circ}", "^\\circ", "\\circ", "\\degree", "°", "\\$", "$", "\\(", "\\)", "\\[", "\\]",
    ];

    /// <summary>Returns the canonical form (never null; empty for null input).</summary>
    public static string Normalize(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return string.Empty;
        }
        var s = answer.Trim();
        var boxed = s.StartsWith("\\boxed", StringComparison.Ordinal) ? AnswerExtractor.LastBoxed(s) : null;
        if (boxed is not null)
        {
            s = boxed;
        }
        s = s.Replace("\\right.", string.Empty, StringComparison.Ordinal).Replace("\\left.", string.Empty, StringComparison.Ordinal);
        var sb = new StringBuilder(s);
        foreach (var r in RemovedTokens)
        {
            sb.Replace(r, string.Empty);
        }
        sb.Replace("\\%", "%").Replace("\\dfrac", "\\frac").Replace("\\tfrac", "\\frac")
          .Replace("\\cdot", "*").Replace("\\times", "*").Replace("\\leq", "≤").Replace("\\geq", "≥").Replace("\\le", "≤").Replace("\\ge", "≥")
          .Replace("\\infty", "∞").Replace("\\{", "{").Replace("\\}", "}");
        s = RemoveText(sb.ToString());
        s = UnitRegex().Replace(s, "$1");
        s = WhitespaceRegex().Replace(s, string.Empty);
        s = FracAnyRegex().Replace(s, m => $"\\frac{{{Arg(m, 1)}}}{{{Arg(m, 3)}}}");
        s = SqrtTokenRegex().Replace(s, "\\sqrt{$1}");
        s = BracedPowerRegex().Replace(s, "^$1");
        s = s.TrimEnd('.');
        return s;
    }

    /// <summary>
    /// <c>\text{..}</c>-like groups are units or words: dropped when something else remains
    /// (<c>5\text{ cm}</c> becomes <c>5</c>), unwrapped otherwise (<c>\text{(A)}</c> becomes <c>(A)</c>).
    /// </summary>
    private static string RemoveText(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }
        var without = TextGroupRegex().Replace(s, string.Empty);
        return string.IsNullOrWhiteSpace(without) || without.Trim() is "-" or "+"
            ? TextGroupRegex().Replace(s, "$1")
            : without;
    }

    private static string Arg(Match m, int group) => m.Groups[group].Success ? m.Groups[group].Value : m.Groups[group + 1].Value;

    [GeneratedRegex(@"\\(?:text|textbf|textrm|mathrm|mbox|mathbf|operatorname)\s*\{([^{}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex TextGroupRegex();

    // "5 cm", "12 dollars": a number followed by a unit word only.
    [GeneratedRegex(@"^([+-]?[\d.,/]+%?)\s*(?:cm|mm|km|m|inches|inch|in|feet|foot|ft|meters|meter|units|unit|degrees|degree|dollars|dollar|cents|cent|hours|hour|minutes|minute|seconds|second|days|day|miles|mile|sq\s*units|square\s*units)\.?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex UnitRegex();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhitespaceRegex();

    // \frac12 -> \frac{1}{2}; \frac1{x} and \frac{x}2 too (LaTeX takes one token per argument).
    [GeneratedRegex(@"\\frac(?:(\w)|\{([^{}]*)\})(?:(\w)|\{([^{}]*)\})", RegexOptions.CultureInvariant)]
    private static partial Regex FracAnyRegex();

    [GeneratedRegex(@"\\sqrt(\w)", RegexOptions.CultureInvariant)]
    private static partial Regex SqrtTokenRegex();

    [GeneratedRegex(@"\^\{(\w)\}", RegexOptions.CultureInvariant)]
    private static partial Regex BracedPowerRegex();
}
