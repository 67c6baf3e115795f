using System.Globalization;
using System.Numerics;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Yaml;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>Diagnostics being collected while one file is parsed, plus shared checks.</summary>
/// <param name="diagnostics">Where problems go.</param>
internal sealed class ParseState(List<Diagnostic> diagnostics)
{
    public void Error(string code, string message, SourceLocation at) => diagnostics.Add(new Diagnostic(code, message, at));

    public void Warning(string code, string message, SourceLocation at) => diagnostics.Add(new Diagnostic(code, message, at, IsWarning: true));

    /// <summary>Reports every repeated key in every mapping of the tree (YAML forbids them; the first one wins).</summary>
    public void CheckDuplicates(YNode node)
    {
        var seen = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
        Walk(node);

        void Walk(YNode n)
        {
            if (!seen.Add(n))
            {
                return;
            }
            switch (n)
            {
                case YMapping map:
                    var keys = new Dictionary<string, YScalar>(StringComparer.Ordinal);
                    foreach (var (key, value) in map.Entries)
                    {
                        if (keys.TryGetValue(key.Value, out var first))
                        {
                            Error(DiagnosticCodes.DuplicateKey, $"duplicate key '{key.Value}' (first at line {first.Start.Line})", key.Start);
                        }
                        else
                        {
                            keys[key.Value] = key;
                        }
                        Walk(value);
                    }
                    break;
                case YSequence seq:
                    foreach (var item in seq.Items)
                    {
                        Walk(item);
                    }
                    break;
            }
        }
    }

    public void CheckKeys(YMapping map, IReadOnlyCollection<string> known, string where)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (!known.Contains(key.Value))
            {
                Error(DiagnosticCodes.UnknownKey, $"unknown key '{key.Value}' in {where}{Suggest.DidYouMean(key.Value, known)} (keys: {string.Join(", ", known)})", key.Start);
            }
        }
    }

    /// <summary>A scalar's text, or null when absent; reports a non-scalar.</summary>
    public string? String(YMapping map, string key)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is YScalar s)
        {
            return s.Value;
        }
        Error(DiagnosticCodes.BadValue, $"'{key}' must be a single value, not a {(node is YMapping ? "mapping" : "list")}", node.Start);
        return null;
    }

    /// <summary>A limit error (TF0040).</summary>
    public void Limit(string message, SourceLocation at) => Error(DiagnosticCodes.Limit, message, at);

    /// <summary>A plain integer (or null when absent); reports anything else, and a number above <paramref name="max"/> as the limit <paramref name="limit"/>.</summary>
    public int? Int(YMapping map, string key, int min, int max = int.MaxValue, string limit = "")
    {
        var node = map.Get(key);
        if (node is null)
        {
            return null;
        }
        return node is YScalar { Plain: true } s ? Int(s, key, min, max, limit) : Int(new YScalar(node.Start, "", false), key, min, max, limit);
    }

    /// <summary>A scalar as an integer in [<paramref name="min"/>, <paramref name="max"/>]; reports anything else (null then).</summary>
    public int? Int(YScalar s, string key, int min, int max, string limit)
    {
        if (s.Plain && BigInteger.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min)
        {
            if (n <= max)
            {
                return (int)n;
            }
            Limit($"'{key}' is {ShortJson.Cut(s.Value, 40)}; at most {max} {WorkflowLimits.Cite(limit, max)}", s.Start);
            return null;
        }
        Error(DiagnosticCodes.BadValue, $"'{key}' must be an integer >= {min}", s.Start);
        return null;
    }

    public double? Number(YMapping map, string key)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is YScalar { Plain: true } s && double.TryParse(s.Value, CultureInfo.InvariantCulture, out var n) && n >= 0 && double.IsFinite(n))
        {
            return n;
        }
        Error(DiagnosticCodes.BadValue, $"'{key}' must be a number >= 0", node.Start);
        return null;
    }

    public bool? Bool(YMapping map, string key)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is YScalar { Plain: true } s && bool.TryParse(s.Value, out var b))
        {
            return b;
        }
        Error(DiagnosticCodes.BadValue, $"'{key}' must be true or false", node.Start);
        return null;
    }

    public TimeSpan? Duration(YNode? node, string key)
    {
        if (node is null)
        {
            return null;
        }
        if (node is YScalar s && Durations.TryParse(s.Value, out var t))
        {
            if (t <= WorkflowLimits.MaxDuration)
            {
                return t;
            }
            Limit($"'{key}' is longer than {WorkflowLimits.MaxDuration.TotalDays:0} days {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxDurationSeconds), WorkflowLimits.MaxDurationSeconds)}", node.Start);
            return null;
        }
        Error(DiagnosticCodes.BadValue, $"'{key}' must be a duration such as 90, 30s, 5m, 2h or 1h30m", node.Start);
        return null;
    }
}
