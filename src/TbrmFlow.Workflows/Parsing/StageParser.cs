using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Yaml;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>Parses the <c>stages:</c> mapping (and the sub-stages of repeat stages).</summary>
internal sealed partial class StageParser(ParseState p, YMapping? defaults)
{
    public static readonly string[] StageKeys =
        ["uses", "with", "needs", "if", "matrix", "retry", "timeout", "cache", "resources", "description", "repeat", "until", "max", "carry", "stages", "next"];
    public static readonly string[] DefaultKeys = ["retry", "timeout", "cache", "resources"];
    private static readonly string[] RetryKeys = ["attempts", "backoff"];
    private static readonly string[] ResourceKeys = ["gpu", "cpu", "memory_gb", "queue"];
    private static readonly string[] RepeatOnlyKeys = ["until", "max", "carry", "stages", "next"];

    /// <summary>Longest field path whose children get positions of their own.</summary>
    private const int MaxRecordedPath = 1024;

    /// <summary>Stages parsed so far at every level, held to <see cref="WorkflowLimits.MaxStages"/>.</summary>
    private int _stageCount;

    public List<StageDefinition> ParseAll(YMapping stages)
    {
        var result = new List<StageDefinition>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in stages.Entries)
        {
            if (++_stageCount > WorkflowLimits.MaxStages)
            {
                p.Limit($"more than {WorkflowLimits.MaxStages} stages (sub-stages included); split the workflow {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxStages), WorkflowLimits.MaxStages)}", key.Start);
                break;
            }
            if (!StageId().IsMatch(key.Value))
            {
                p.Error(DiagnosticCodes.BadName, $"stage id '{key.Value}' must match [a-z][a-z0-9_-]*", key.Start);
            }
            if (value is not YMapping map)
            {
                p.Error(DiagnosticCodes.BadValue, $"stage '{key.Value}' must be a mapping with 'uses:' (or 'repeat:')", value.Start);
                continue;
            }
            if (!ids.Add(key.Value))
            {
                continue; // reported as a duplicate key
            }
            result.Add(Parse(key, map));
        }
        return result;
    }

    private StageDefinition Parse(YScalar key, YMapping map)
    {
        var id = key.Value;
        p.CheckKeys(map, StageKeys, $"stage '{id}'");
        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var recorded = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
        foreach (var (k, v) in map.Entries)
        {
            if (k.Value == "stages")
            {
                locations.TryAdd(k.Value, v.Start); // sub-stages record their own positions
                continue;
            }
            Record(k.Value, v, locations, recorded);
        }

        var isRepeat = map.Get("repeat") is not null || map.Get("until") is not null;
        string uses = "";
        int? version = null;
        if (map.Get("uses") is { } usesNode)
        {
            var text = p.String(map, "uses") ?? "";
            var at = text.IndexOf('@', StringComparison.Ordinal);
            uses = at < 0 ? text : text[..at];
            if (at >= 0)
            {
                if (int.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0)
                {
                    version = v;
                }
                else
                {
                    p.Error(DiagnosticCodes.BadValue, $"'uses: {text}': the version after '@' must be a positive integer", usesNode.Start);
                }
            }
            if (isRepeat)
            {
                p.Error(DiagnosticCodes.Repeat, $"stage '{id}' has both 'uses' and 'repeat'; a repeat stage holds sub-stages under 'stages:'", usesNode.Start);
            }
        }
        else if (!isRepeat)
        {
            p.Error(DiagnosticCodes.MissingKey, $"stage '{id}' needs 'uses: <activity>' (or 'repeat:' with sub-stages)", key.Start);
        }
        if (!isRepeat)
        {
            foreach (var k in RepeatOnlyKeys.Where(k => map.Key(k) is not null))
            {
                p.Error(DiagnosticCodes.Repeat, $"'{k}' belongs to repeat stages; stage '{id}' has no 'repeat:'", map.Key(k)!.Start);
            }
        }

        var with = new JsonObject();
        if (map.Get("with") is { } withNode)
        {
            if (YamlToJson.FromTree(withNode) is JsonObject w)
            {
                with = w;
            }
            else if (withNode is not YScalar { Plain: true, Value: "" })
            {
                p.Error(DiagnosticCodes.BadValue, $"'with' of stage '{id}' must be a mapping of input: value", withNode.Start);
            }
        }

        return new StageDefinition
        {
            Id = id,
            Uses = uses,
            Version = version,
            With = with,
            Needs = Needs(map),
            If = map.Get("if") is { } ifNode ? YamlToJson.FromTree(ifNode) : null,
            Matrix = map.Get("matrix") is { } m ? Matrix(m, id) : null,
            Retry = Retry(Field(map, "retry")),
            Timeout = p.Duration(Field(map, "timeout"), "timeout"),
            Cache = Field(map, "cache") is { } c ? p.Bool(new YMapping(c.Start, [new(new YScalar(c.Start, "cache", true), c)]), "cache") : null,
            Resources = Resources(Field(map, "resources")),
            Description = p.String(map, "description"),
            Repeat = isRepeat ? Repeat(map, id) : null,
            Location = key.Start,
            Locations = locations,
        };
    }

    private YNode? Field(YMapping map, string key) => map.Get(key) ?? defaults?.Get(key);

    private List<string> Needs(YMapping map)
    {
        var node = map.Get("needs");
        switch (node)
        {
            case null:
                return [];
            case YScalar s:
                return [s.Value];
            case YSequence seq when seq.Items.All(i => i is YScalar):
                return [.. seq.Items.Cast<YScalar>().Select(i => i.Value)];
            default:
                p.Error(DiagnosticCodes.BadValue, "'needs' must be a stage id or a list of stage ids", node.Start);
                return [];
        }
    }

    private RetryPolicy Retry(YNode? node)
    {
        switch (node)
        {
            case null:
                return RetryPolicy.None;
            case YScalar { Plain: true } s when BigInteger.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 1:
                return RetryPolicy.None with { Attempts = p.Int(s, "retry", 1, WorkflowLimits.MaxRetryAttempts, nameof(WorkflowLimits.MaxRetryAttempts)) ?? 1 };
            case YMapping map:
                p.CheckKeys(map, RetryKeys, "retry");
                return new RetryPolicy(
                    p.Int(map, "attempts", 1, WorkflowLimits.MaxRetryAttempts, nameof(WorkflowLimits.MaxRetryAttempts)) ?? 1,
                    p.Duration(map.Get("backoff"), "backoff") ?? RetryPolicy.None.Backoff);
            default:
                p.Error(DiagnosticCodes.BadValue, "'retry' must be a number of attempts or {attempts, backoff}", node.Start);
                return RetryPolicy.None;
        }
    }

    private ResourceRequest Resources(YNode? node)
    {
        if (node is null)
        {
            return ResourceRequest.None;
        }
        if (node is not YMapping map)
        {
            p.Error(DiagnosticCodes.BadValue, "'resources' must be a mapping {gpu, cpu, memory_gb, queue}", node.Start);
            return ResourceRequest.None;
        }
        p.CheckKeys(map, ResourceKeys, "resources");
        return new ResourceRequest(p.Int(map, "gpu", 0) ?? 0, p.Number(map, "cpu"), p.Number(map, "memory_gb"), p.String(map, "queue"));
    }

    private MatrixDefinition? Matrix(YNode node, string id)
    {
        if (node is not YMapping map)
        {
            p.Error(DiagnosticCodes.Matrix, $"'matrix' of stage '{id}' must be a mapping of key: [values]", node.Start);
            return null;
        }
        var axes = new List<KeyValuePair<string, JsonNode?>>();
        var include = new List<JsonObject>();
        var exclude = new List<JsonObject>();
        foreach (var (key, value) in map.Entries)
        {
            if (key.Value is "include" or "exclude")
            {
                var entries = value is YSequence seq ? seq.Items : null;
                if (entries is null || entries.Any(e => e is not YMapping))
                {
                    p.Error(DiagnosticCodes.Matrix, $"matrix '{key.Value}' must be a list of mappings (key: value)", value.Start);
                    continue;
                }
                if (entries.Count > WorkflowLimits.MaxMatrixCells)
                {
                    p.Limit($"matrix '{key.Value}' has {entries.Count} entries; at most {WorkflowLimits.MaxMatrixCells} {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxMatrixCells), WorkflowLimits.MaxMatrixCells)}", value.Start);
                    continue;
                }
                (key.Value == "include" ? include : exclude).AddRange(entries.Select(e => (JsonObject)YamlToJson.FromTree(e)!));
                continue;
            }
            if (value is YSequence { Items.Count: > WorkflowLimits.MaxMatrixCells } tooMany)
            {
                p.Limit($"matrix axis '{key.Value}' has {tooMany.Items.Count} values; at most {WorkflowLimits.MaxMatrixCells} {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxMatrixCells), WorkflowLimits.MaxMatrixCells)}", value.Start);
                continue;
            }
            var json = YamlToJson.FromTree(value);
            var isTemplate = value is YScalar && json is JsonValue jv && jv.TryGetValue<string>(out var t) && Expressions.Template.Contains(t);
            if (json is JsonArray { Count: 0 })
            {
                p.Error(DiagnosticCodes.Matrix, $"matrix axis '{key.Value}' is empty: it would leave no cells", value.Start);
            }
            else if (json is not JsonArray && !isTemplate)
            {
                p.Error(DiagnosticCodes.Matrix, $"matrix axis '{key.Value}' must be a list of values (or a ${{{{ }}}} expression giving one)", value.Start);
                continue;
            }
            if (axes.All(a => a.Key != key.Value))
            {
                axes.Add(new(key.Value, json));
            }
        }
        if (axes.Count == 0 && include.Count == 0)
        {
            p.Error(DiagnosticCodes.Matrix, $"'matrix' of stage '{id}' has no axes", node.Start);
        }
        return new MatrixDefinition { Axes = axes, Include = include, Exclude = exclude };
    }

    private RepeatDefinition Repeat(YMapping map, string id)
    {
        var at = map.Key("repeat")?.Start ?? map.Key("until")!.Start;
        JsonNode? count = null;
        if (map.Get("repeat") is { } r)
        {
            count = YamlToJson.FromTree(r);
            var ok = count is JsonValue v && (v.TryGetValue<long>(out var n) && n >= 1 || v.TryGetValue<string>(out var s) && Expressions.Template.Contains(s));
            if (r is YScalar { Plain: true } number && BigInteger.TryParse(number.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big) && big >= 1)
            {
                ok = true;
                p.Int(number, "repeat", 1, WorkflowLimits.MaxRepeatCount, nameof(WorkflowLimits.MaxRepeatCount));
            }
            if (!ok)
            {
                p.Error(DiagnosticCodes.Repeat, $"stage '{id}': 'repeat' must be a count >= 1 (or an expression); use 'until:' with 'max:' for a condition", r.Start);
            }
        }
        var until = p.String(map, "until");
        var max = p.Int(map, "max", 1, WorkflowLimits.MaxRepeatCount, nameof(WorkflowLimits.MaxRepeatCount));
        if (until is not null && max is null)
        {
            p.Error(DiagnosticCodes.Repeat, $"stage '{id}': 'until' needs 'max:' (an upper bound on iterations)", map.Key("until")!.Start);
        }
        if (until is not null && count is not null)
        {
            p.Error(DiagnosticCodes.Repeat, $"stage '{id}': give either 'repeat: N' or 'until:' with 'max:', not both", map.Key("until")!.Start);
        }
        var carry = Object(map, "carry", id);
        var next = Object(map, "next", id);
        foreach (var (name, _) in next.Where(n => !carry.ContainsKey(n.Key)))
        {
            p.Error(DiagnosticCodes.Repeat, $"stage '{id}': 'next.{name}' updates nothing: '{name}' is not in 'carry'{Suggest.DidYouMean(name, carry.Select(c => c.Key))}",
                ((YMapping)map.Get("next")!).Key(name)!.Start);
        }
        var stages = new List<StageDefinition>();
        if (map.Get("stages") is YMapping sub && sub.Entries.Count > 0)
        {
            stages = ParseAll(sub);
        }
        else
        {
            p.Error(DiagnosticCodes.Repeat, $"repeat stage '{id}' needs 'stages:' with at least one sub-stage", map.Get("stages")?.Start ?? at);
        }
        return new RepeatDefinition { Count = count, Until = until, Max = max, Carry = carry, Next = next, Stages = stages };
    }

    private JsonObject Object(YMapping map, string key, string id)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return [];
        }
        if (YamlToJson.FromTree(node) is JsonObject obj)
        {
            return obj;
        }
        p.Error(DiagnosticCodes.Repeat, $"stage '{id}': '{key}' must be a mapping of name: value", node.Start);
        return [];
    }

    /// <summary>
    /// Positions by path. A node repeated by an alias is entered once (its later paths resolve to the alias's own
    /// position through <see cref="StageDefinition.LocationOf"/>'s prefix fallback), and paths stop growing past
    /// <see cref="MaxRecordedPath"/> characters, so the table stays as small as the text.
    /// </summary>
    private static void Record(string path, YNode node, Dictionary<string, SourceLocation> locations, HashSet<YNode> recorded)
    {
        locations.TryAdd(path, node.Start);
        if (path.Length > MaxRecordedPath || !recorded.Add(node))
        {
            return;
        }
        switch (node)
        {
            case YMapping map:
                foreach (var (k, v) in map.Entries)
                {
                    Record(path + "." + k.Value, v, locations, recorded);
                }
                break;
            case YSequence seq:
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    Record($"{path}[{i}]", seq.Items[i], locations, recorded);
                }
                break;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex StageId();
}
