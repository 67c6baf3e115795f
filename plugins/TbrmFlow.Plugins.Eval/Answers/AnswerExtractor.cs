using System.Text.RegularExpressions;

namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>Finds the final answer in a model response or a reference solution.</summary>
public static partial class AnswerExtractor
{
    /// <summary>Returns the answer text found by the first pattern that matches, or null when none does.</summary>
    /// <param name="text">A response or solution.</param>
    /// <param name="options">Patterns in priority order; <see cref="AnswerExtractionOptions.Default"/> when null.</param>
    public static string? Extract(string? text, AnswerExtractionOptions? options = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        foreach (var pattern in (options ?? AnswerExtractionOptions.Default).Patterns)
        {
            var found = pattern switch
            {
                AnswerPattern.Boxed => LastBoxed(text),
                AnswerPattern.Hash => AfterLast(text, "####"),
                AnswerPattern.AnswerIs => AnswerIs(text),
                AnswerPattern.LastNumber => LastNumber(text),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(found))
            {
                return found.Trim();
            }
        }
        return null;
    }

    /// <summary>The content of the last <c>\boxed{...}</c> or <c>\fbox{...}</c>, or null.</summary>
    public static string? LastBoxed(string text)
    {
        var start = Math.Max(text.LastIndexOf("\\boxed", StringComparison.Ordinal), text.LastIndexOf("\\fbox", StringComparison.Ordinal));
        while (start >= 0)
        {
            var content = BoxedAt(text, start);
            if (content is not null)
            {
                return content;
            }
            // An unterminated last box: try the one before it.
            start = start == 0 ? -1 : Math.Max(text.LastIndexOf("\\boxed", start - 1, StringComparison.Ordinal), text.LastIndexOf("\\fbox", start - 1, StringComparison.Ordinal));
        }
        return null;
    }

    private static string? BoxedAt(string text, int start)
    {
        var i = start + (text.AsSpan(start).StartsWith("\\boxed") ? "\\boxed".Length : "\\fbox".Length);
        if (i < text.Length && text[i] == ' ')
        {
            // "\boxed 5": the argument is the next token.
            var rest = text[(i + 1)..];
            var end = rest.IndexOfAny([' ', '$', '\n']);
            return end < 0 ? rest : rest[..end];
        }
        if (i >= text.Length || text[i] != '{')
        {
            return null;
        }
        var depth = 0;
        for (var j = i; j < text.Length; j++)
        {
            if (text[j] == '{' && (j == 0 || text[j - 1] != '\\'))
            {
                depth++;
            }
            else if (text[j] == '}' && text[j - 1] != '\\')
            {
                depth--;
                if (depth == 0)
                {
                    return text[(i + 1)..j];
                }
            }
        }
        return null;
    }

    private static string? AfterLast(string text, string marker)
    {
        var at = text.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        var rest = text[(at + marker.Length)..];
        var newline = rest.IndexOf('\n', StringComparison.Ordinal);
        return TrimSentenceEnd(newline < 0 ? rest : rest[..newline]);
    }

    private static string? AnswerIs(string text)
    {
        var matches = AnswerIsRegex().Matches(text);
        if (matches.Count == 0)
        {
            return null;
        }
        var rest = text[(matches[^1].Index + matches[^1].Length)..];
        var newline = rest.IndexOf('\n', StringComparison.Ordinal);
        return TrimSentenceEnd(newline < 0 ? rest : rest[..newline]);
    }

    private static string? LastNumber(string text)
    {
        var matches = NumberRegex().Matches(text);
        return matches.Count == 0 ? null : matches[^1].Value;
    }

    private static string TrimSentenceEnd(string s)
    {
        s = s.Trim();
        // "The answer is 42." / "#### 7. Done": cut at a full stop followed by a space or the end.
        var stop = SentenceStopRegex().Match(s);
        if (stop.Success)
        {
            s = s[..stop.Index];
        }
        return s.TrimEnd('.', ' ', '\t', '\r');
    }

    [GeneratedRegex(@"(?:final\s+answer|the\s+answer)\s*(?:is|:)\s*:?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerIsRegex();

    // A minus sign counts only when it cannot be a binary minus ("10-3" ends with 3, not -3).
    [GeneratedRegex(@"(?:(?<![\w)\]}])-)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberRegex();

    [GeneratedRegex(@"\.(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceStopRegex();
}
