namespace TbrmFlow.Workflows.Parsing;

/// <summary>"Did you mean" help: the closest candidate by edit distance, when it is close enough.</summary>
public static class Suggest
{
    /// <summary>Words longer than this get no suggestion.</summary>
    private const int MaxWordLength = 200;

    /// <summary>Returns <c>; did you mean 'x'?</c> or an empty string.</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        var best = Closest(word, candidates);
        return best is null ? "" : $"; did you mean '{best}'?";
    }

    /// <summary>The closest candidate within a distance of max(2, length/3), or null.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        // The distance is at least the difference in length, so far longer or shorter candidates are skipped
        // unmeasured, and so is every word longer than an identifier could sensibly be (measuring costs length squared).
        var allowed = Math.Max(2, word.Length / 3);
        if (word.Length > MaxWordLength)
        {
            return null;
        }
        var lower = word.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            if (Math.Abs(c.Length - word.Length) > allowed)
            {
                continue;
            }
            var d = Distance(lower, c.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }
        return best is not null && bestDistance <= allowed ? best : null;
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
