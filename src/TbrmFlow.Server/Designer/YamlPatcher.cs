using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TbrmFlow.Server.Designer;

/// <summary>
/// Edits workflow YAML text in place: each operation finds the node it changes by its character span
/// (<see cref="YamlSpans"/>) and rewrites only that text, so comments, key order, flow or block style
/// and blank lines elsewhere survive a round trip through the graph. Stage paths are stage ids, with
/// <c>/</c> between a repeat stage and its sub-stage (<c>loop/rollout</c>).
/// </summary>
public static partial class YamlPatcher
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] Reserved = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];

    /// <summary>Sets <c>with.&lt;input&gt;</c> of a stage, adding the entry (and <c>with:</c>) when missing.</summary>
    /// <exception cref="InvalidOperationException">When the text cannot be parsed or the stage is not found.</exception>
    public static string SetInput(string text, string stagePath, string input, JsonNode? value)
    {
        var stage = FindStage(text, stagePath);
        var scalar = Format(value);
        if (stage.Get("with") is SpanMapping with)
        {
            if (with.Get(input) is { } existing)
            {
                return Replace(text, existing.Start, existing.End, scalar);
            }
            return InsertEntry(text, with, $"{input}: {scalar}");
        }
        if (stage.Get("with") is SpanScalar { Value: "" } empty && stage.Flow is false)
        {
            // `with:` with nothing after it: a block mapping one level deeper than the stage's keys.
            var indent = Column(text, stage.Entries[0].Key.Start) + 2;
            var at = LineEnd(text, stage.Entry("with")!.Value.Key.End);
            return text.Insert(at, $"\n{new string(' ', indent)}{input}: {scalar}");
        }
        if (stage.Flow)
        {
            return InsertEntry(text, stage, $"with: {{ {input}: {scalar} }}");
        }
        // InsertEntry indents every line by the stage keys' column; the input goes one level deeper.
        return InsertEntry(text, stage, $"with:\n  {input}: {scalar}");
    }

    /// <summary>Removes <c>with.&lt;input&gt;</c> of a stage (the activity's default applies again); unchanged when absent.</summary>
    public static string RemoveInput(string text, string stagePath, string input)
    {
        var stage = FindStage(text, stagePath);
        if (stage.Get("with") is not SpanMapping with || with.Entry(input) is not { } entry)
        {
            return text;
        }
        return RemoveEntry(text, with, entry);
    }

    /// <summary>Appends a stage at the end of <c>stages</c> (or of a repeat stage's <c>stages</c> when <paramref name="parentPath"/> is given).</summary>
    public static string AddStage(string text, string id, string uses, JsonObject with, string? parentPath = null)
    {
        if (parentPath is null && Root(text).Entry("stages") is { } empty && empty.Value is SpanScalar { Value: "" } or SpanMapping { Flow: true, Entries.Count: 0 })
        {
            return AddFirstStage(text, empty, id, uses, with);
        }
        var stages = parentPath is null
            ? (Root(text).Get("stages") as SpanMapping ?? throw new InvalidOperationException("the workflow has no 'stages' mapping"))
            : (FindStage(text, parentPath).Get("stages") as SpanMapping
                ?? throw new InvalidOperationException($"stage '{parentPath}' is not a repeat stage with 'stages'"));
        if (stages.Get(id) is not null)
        {
            throw new InvalidOperationException($"a stage '{id}' already exists");
        }
        if (stages.Flow || stages.Entries.Count == 0)
        {
            var flowWith = with.Count == 0 ? "" : $", with: {{ {string.Join(", ", with.Select(kv => $"{kv.Key}: {Format(kv.Value)}"))} }}";
            return InsertEntry(text, stages, $"{id}: {{ uses: {uses}{flowWith} }}");
        }
        var indent = Column(text, stages.Entries[0].Key.Start);
        var step = stages.Entries[0].Value is SpanMapping { Flow: false, Entries.Count: > 0 } first
            ? Column(text, first.Entries[0].Key.Start) - indent
            : 2;
        // Relative to the stage ids' column, which InsertEntry adds to every line.
        var pad1 = new string(' ', step);
        var pad2 = new string(' ', 2 * step);
        var block = $"{id}:\n{pad1}uses: {uses}";
        if (with.Count > 0)
        {
            block += $"\n{pad1}with:" + string.Concat(with.Select(kv => $"\n{pad2}{kv.Key}: {Format(kv.Value)}"));
        }
        return InsertEntry(text, stages, block);
    }

    /// <summary>The first stage of a workflow whose <c>stages:</c> is empty (<c>stages:</c> or <c>stages: {}</c>): a block mapping under it.</summary>
    private static string AddFirstStage(string text, KeyValuePair<SpanScalar, SpanNode> stages, string id, string uses, JsonObject with)
    {
        var indent = new string(' ', Column(text, stages.Key.Start) + 2);
        var block = $"\n{indent}{id}:\n{indent}  uses: {uses}";
        if (with.Count > 0)
        {
            block += $"\n{indent}  with:" + string.Concat(with.Select(kv => $"\n{indent}    {kv.Key}: {Format(kv.Value)}"));
        }
        if (stages.Value is SpanMapping braces)
        {
            // `stages: {}` becomes `stages:` followed by the block (the space before the braces goes too).
            var start = braces.Start;
            while (start > stages.Key.End + 1 && text[start - 1] == ' ')
            {
                start--;
            }
            return string.Concat(text.AsSpan(0, start), block, text.AsSpan(Math.Max(braces.End, braces.Close + 1)));
        }
        return text.Insert(LineEnd(text, stages.Key.End), block);
    }

    /// <summary>
    /// Renames a stage: its key, the <c>needs</c> entries of its sibling stages that name it, and every
    /// <c>stages.OLD</c> / <c>stages['OLD']</c> reference inside <c>${{ … }}</c> expressions of the file.
    /// </summary>
    /// <exception cref="InvalidOperationException">The new id is not a stage id, is taken, or the stage is not found.</exception>
    public static string RenameStage(string text, string stagePath, string newId)
    {
        if (!StageIdForm().IsMatch(newId))
        {
            throw new InvalidOperationException($"'{newId}' is not a stage id: lower-case letters, digits, '_' and '-', starting with a letter");
        }
        var (parent, key) = StageEntry(text, stagePath);
        if (key == newId)
        {
            return text;
        }
        if (parent.Get(newId) is not null)
        {
            throw new InvalidOperationException($"a stage '{newId}' already exists");
        }
        var edits = new List<(int Start, int End, string Text)> { (parent.Entry(key)!.Value.Key.Start, parent.Entry(key)!.Value.Key.End, newId) };
        foreach (var (_, sibling) in parent.Entries)
        {
            if (sibling is SpanMapping stage && stage.Get("needs") is { } needs)
            {
                var items = needs is SpanSequence seq ? seq.Items : [needs];
                edits.AddRange(items.OfType<SpanScalar>().Where(i => i.Value == key).Select(i => (i.Start, i.End, newId)));
            }
        }
        foreach (var (start, end, replacement) in edits.OrderByDescending(e => e.Start))
        {
            text = Replace(text, start, end, replacement);
        }
        var dotted = new Regex($@"(?<![\w.-])stages\.{Regex.Escape(key)}(?![\w-])");
        var bracket = new Regex($@"(?<![\w.-])stages\[\s*(['""]){Regex.Escape(key)}\1\s*\]");
        return Expression().Replace(text, m => bracket.Replace(dotted.Replace(m.Value, "stages." + newId), $"stages['{newId}']"));
    }

    /// <summary>True when the YAML text <paramref name="value"/> refers to stage <paramref name="id"/> in an expression.</summary>
    public static bool RefersTo(string value, string id) =>
        Expression().Matches(value).Any(m => Regex.IsMatch(m.Value, $@"(?<![\w.-])stages(\.{Regex.Escape(id)}(?![\w-])|\[\s*(['""]){Regex.Escape(id)}\2\s*\])"));

    /// <summary>
    /// Removes a stage and what points at it: its siblings' <c>needs</c> entries naming it and their
    /// <c>with</c> inputs whose value refers to its outputs (so those inputs fall back to their default,
    /// or the validator reports them missing).
    /// </summary>
    public static string RemoveStageAndReferences(string text, string stagePath)
    {
        var id = stagePath.Split('/')[^1];
        while (true)
        {
            var (parent, key) = StageEntry(text, stagePath);
            var changed = false;
            foreach (var (siblingKey, sibling) in parent.Entries)
            {
                if (siblingKey.Value == key || sibling is not SpanMapping stage)
                {
                    continue;
                }
                if (stage.Entry("needs") is { } needs && RemoveNeed(text, stage, needs, id) is { } withoutNeed)
                {
                    text = withoutNeed;
                    changed = true;
                    break;
                }
                if (stage.Get("with") is SpanMapping with && with.Entries.FirstOrDefault(e => RefersTo(text[e.Value.Start..e.Value.End], id)) is { Key: not null } input)
                {
                    text = RemoveEntry(text, with, input);
                    changed = true;
                    break;
                }
            }
            if (!changed)
            {
                return RemoveStage(text, stagePath);
            }
        }
    }

    private static string? RemoveNeed(string text, SpanMapping stage, KeyValuePair<SpanScalar, SpanNode> needs, string id)
    {
        switch (needs.Value)
        {
            case SpanScalar s when s.Value == id:
            case SpanSequence { Items.Count: 1 } one when one.Items[0] is SpanScalar { Value: var v } && v == id:
                return RemoveEntry(text, stage, needs);
            case SpanSequence seq when seq.Items.Select((item, k) => (item, k)).FirstOrDefault(x => x.item is SpanScalar { Value: var v } && v == id) is { item: not null } hit:
                if (seq.Flow)
                {
                    return hit.k > 0
                        ? text.Remove(seq.Items[hit.k - 1].End, hit.item.End - seq.Items[hit.k - 1].End)
                        : text.Remove(hit.item.Start, seq.Items[1].Start - hit.item.Start);
                }
                var lineStart = text.LastIndexOf('\n', Math.Max(0, hit.item.Start - 1)) + 1;
                var lineEnd = LineEnd(text, hit.item.End);
                return text.Remove(lineStart, Math.Min(text.Length, lineEnd + 1) - lineStart);
            default:
                return null;
        }
    }

    /// <summary>Sets the top-level <c>name:</c> value; unchanged when the file has none.</summary>
    public static string SetName(string text, string name) =>
        Root(text).Get("name") is SpanScalar value ? Replace(text, value.Start, value.End, Format(JsonValue.Create(name))) : text;

    /// <summary>Removes a stage's entry (its lines, for block style).</summary>
    public static string RemoveStage(string text, string stagePath)
    {
        var (parent, key) = StageEntry(text, stagePath);
        return RemoveEntry(text, parent, parent.Entry(key)!.Value);
    }

    /// <summary>The YAML text of a value: plain when unambiguous, double-quoted otherwise, JSON flow style for lists and objects.</summary>
    public static string Format(JsonNode? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>();
                return PlainSafe().IsMatch(s) && !Reserved.Contains(s, StringComparer.OrdinalIgnoreCase) && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    ? s
                    : JsonSerializer.Serialize(s, Json);
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return v.GetValueKind() == JsonValueKind.True ? "true" : "false";
            default:
                return value.ToJsonString(Json);
        }
    }

    /// <summary>Reads a field typed in the property panel as YAML would: numbers, booleans, null, else a string.</summary>
    public static JsonNode? ParseScalar(string text)
    {
        var t = text.Trim();
        if (long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }
        if (t is "true" or "false")
        {
            return JsonValue.Create(t == "true");
        }
        if (t.Length > 1 && (t[0] == '[' || t[0] == '{'))
        {
            try
            {
                return JsonNode.Parse(t);
            }
            catch (JsonException)
            {
                // not JSON: keep it as a string
            }
        }
        return JsonValue.Create(text);
    }

    private static SpanMapping Root(string text) =>
        YamlSpans.TryParse(text) as SpanMapping ?? throw new InvalidOperationException("the YAML text does not parse to a mapping; fix the syntax error first");

    private static SpanMapping FindStage(string text, string stagePath)
    {
        var (parent, key) = StageEntry(text, stagePath);
        return parent.Get(key) as SpanMapping ?? throw new InvalidOperationException($"stage '{stagePath}' is not a mapping");
    }

    private static (SpanMapping Parent, string Key) StageEntry(string text, string stagePath)
    {
        var parts = stagePath.Split('/');
        var stages = Root(text).Get("stages") as SpanMapping ?? throw new InvalidOperationException("the workflow has no 'stages' mapping");
        for (var i = 0; i < parts.Length - 1; i++)
        {
            stages = (stages.Get(parts[i]) as SpanMapping)?.Get("stages") as SpanMapping
                ?? throw new InvalidOperationException($"stage '{string.Join('/', parts[..(i + 1)])}' is not a repeat stage with 'stages'");
        }
        return stages.Get(parts[^1]) is null ? throw new InvalidOperationException($"stage '{stagePath}' not found") : (stages, parts[^1]);
    }

    private static string InsertEntry(string text, SpanMapping map, string entry)
    {
        if (map.Flow)
        {
            return map.Entries.Count == 0
                ? text.Insert(map.Close, $" {entry} ")
                : text.Insert(map.Entries[^1].Value.End, $", {entry}");
        }
        var indent = new string(' ', Column(text, map.Entries[0].Key.Start));
        var at = LineEnd(text, map.Entries[^1].Value.End);
        return text.Insert(at, "\n" + indent + entry.Replace("\n", "\n" + indent, StringComparison.Ordinal));
    }

    private static string RemoveEntry(string text, SpanMapping map, KeyValuePair<SpanScalar, SpanNode> entry)
    {
        if (map.Flow)
        {
            var index = map.Entries.ToList().IndexOf(entry);
            var start = entry.Key.Start;
            var end = entry.Value.End;
            if (index > 0)
            {
                start = map.Entries[index - 1].Value.End; // removes ", key: value"
            }
            else if (map.Entries.Count > 1)
            {
                end = map.Entries[1].Key.Start;
            }
            return text.Remove(start, end - start);
        }
        var lineStart = text.LastIndexOf('\n', Math.Max(0, entry.Key.Start - 1)) + 1;
        var lineEnd = LineEnd(text, entry.Value.End);
        if (lineEnd < text.Length)
        {
            lineEnd = text.IndexOf('\n', lineEnd) + 1; // the line break too
        }
        else if (lineStart > 0)
        {
            lineStart = text[..(lineStart - 1)].EndsWith('\r') ? lineStart - 2 : lineStart - 1; // the last line: take the break before it
        }
        return text.Remove(lineStart, lineEnd - lineStart);
    }

    private static string Replace(string text, int start, int end, string value) => string.Concat(text.AsSpan(0, start), value, text.AsSpan(end));

    /// <summary>The offset of the end of the line holding <paramref name="offset"/> (a block scalar's end may already be the next line).</summary>
    private static int LineEnd(string text, int offset)
    {
        var at = Math.Min(offset, text.Length);
        if (at > 0 && text[at - 1] == '\n')
        {
            at--;
            if (at > 0 && text[at - 1] == '\r')
            {
                at--;
            }
            return at;
        }
        var nl = text.IndexOf('\n', at);
        if (nl < 0)
        {
            return text.Length;
        }
        return nl > 0 && text[nl - 1] == '\r' ? nl - 1 : nl;
    }

    private static int Column(string text, int offset) => offset - (text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1);

    [GeneratedRegex(@"\$\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Expression();

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex StageIdForm();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainSafe();
}
