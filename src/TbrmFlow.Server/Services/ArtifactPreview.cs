using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Server.Services;

/// <summary>
/// What the run page shows of an artifact file, read with a bounded number of bytes: the first rows of
/// a JSONL file as a table, JSON pretty-printed, an image inline (through the download endpoint), other
/// text as it is; binary files (weights) only by size.
/// </summary>
/// <param name="Kind"><c>table</c>, <c>json</c>, <c>image</c>, <c>text</c> or <c>binary</c>.</param>
/// <param name="Columns">Table columns (the keys of the first rows, in order of appearance).</param>
/// <param name="Rows">Table cells as text, one list per row.</param>
/// <param name="Text">Pretty JSON or text.</param>
/// <param name="Note">What was left out (<c>first 20 rows</c>, <c>first 64 KB</c>).</param>
public sealed record ArtifactPreview(string Kind, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, string? Text, string? Note)
{
    /// <summary>Rows of a JSONL file shown.</summary>
    public const int MaxRows = 20;

    /// <summary>Bytes of a text or JSONL file read.</summary>
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>Largest JSON file pretty-printed whole.</summary>
    public const int MaxJsonBytes = 256 * 1024;

    /// <summary>Longest cell shown in a table.</summary>
    public const int MaxCell = 120;

    // Readable text for a page that HTML-encodes it anyway: no \u002B for '+'.
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The preview of <paramref name="file"/>.</summary>
    public static ArtifactPreview Of(string file)
    {
        var extension = Path.GetExtension(file).ToLowerInvariant();
        var size = new FileInfo(file).Length;
        return extension switch
        {
            ".png" or ".jpg" or ".jpeg" or ".gif" => new ArtifactPreview("image", [], [], null, null),
            ".jsonl" or ".ndjson" => Table(file, size),
            ".json" when size <= MaxJsonBytes => Json(file),
            _ when LooksLikeText(file) => TextOf(file, size),
            _ => new ArtifactPreview("binary", [], [], null, $"binary file, {size:N0} bytes: download it"),
        };
    }

    /// <summary>The content type a download is served with: images and JSON as themselves, everything else as bytes.</summary>
    public static string ContentType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".json" => "application/json",
        ".jsonl" or ".ndjson" => "application/x-ndjson",
        ".yaml" or ".yml" or ".txt" or ".log" or ".md" or ".csv" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private static ArtifactPreview Table(string file, long size)
    {
        var lines = Head(file).Split('\n').Where(l => l.Length > 0).ToList();
        var complete = size <= MaxTextBytes;
        if (!complete && lines.Count > 0)
        {
            lines.RemoveAt(lines.Count - 1); // possibly cut in the middle
        }
        var objects = new List<JsonObject?>();
        foreach (var line in lines.Take(MaxRows))
        {
            try
            {
                objects.Add(JsonNode.Parse(line) as JsonObject);
            }
            catch (JsonException)
            {
                objects.Add(null);
            }
        }
        var columns = objects.Where(o => o is not null).SelectMany(o => o!.Select(p => p.Key)).Distinct(StringComparer.Ordinal).ToList();
        var rows = objects.Select((o, i) => o is null
            ? (IReadOnlyList<string>)[.. columns.Select((_, c) => c == 0 ? Cell(lines[i]) : "")]
            : [.. columns.Select(c => Cell(o[c] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : o[c]?.ToJsonString(Compact) ?? ""))]).ToList();
        var note = lines.Count > MaxRows || !complete ? $"first {rows.Count} rows of a {size:N0}-byte file" : $"{rows.Count} rows";
        return new ArtifactPreview("table", columns, rows, null, note);
    }

    private static ArtifactPreview Json(string file)
    {
        var text = File.ReadAllText(file);
        try
        {
            return new ArtifactPreview("json", [], [], JsonNode.Parse(text)?.ToJsonString(Pretty) ?? "null", null);
        }
        catch (JsonException e)
        {
            return new ArtifactPreview("text", [], [], text, "not valid JSON: " + e.Message.Split(" Path:")[0]);
        }
    }

    private static ArtifactPreview TextOf(string file, long size) =>
        new("text", [], [], Head(file), size > MaxTextBytes ? $"first {MaxTextBytes / 1024} KB of {size:N0} bytes" : null);

    private static string Head(string file)
    {
        using var stream = File.OpenRead(file);
        var buffer = new byte[(int)Math.Min(MaxTextBytes, stream.Length)];
        stream.ReadExactly(buffer);
        return Encoding.UTF8.GetString(buffer);
    }

    private static bool LooksLikeText(string file)
    {
        using var stream = File.OpenRead(file);
        var buffer = new byte[(int)Math.Min(4096, stream.Length)];
        stream.ReadExactly(buffer);
        return !buffer.Contains((byte)0);
    }

    private static string Cell(string text) => text.Length > MaxCell ? text[..(MaxCell - 1)] + "…" : text;
}
