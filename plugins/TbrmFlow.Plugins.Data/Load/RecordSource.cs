using System.Globalization;
using System.Text.Json;
using Parquet.Serialization;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Load;

/// <summary>Rows of a JSONL or Parquet file as column name to text, each with a location for error messages.</summary>
internal static class RecordSource
{
    public static async Task<List<(string Where, IReadOnlyDictionary<string, string?> Row)>> ReadAsync(string path, string format, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"path: file not found: {path}");
        }
        var kind = format switch
        {
            "auto" when path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) => "parquet",
            "auto" when path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) => "jsonl",
            "jsonl" or "parquet" => format,
            "auto" => throw new ArgumentException($"format: cannot tell the format of '{path}' from its extension; set format to jsonl or parquet"),
            _ => throw new ArgumentException($"format must be one of: auto, jsonl, parquet (got '{format}')"),
        };
        return kind == "parquet" ? await ReadParquetAsync(path, ct) : ReadJsonl(path);
    }

    private static List<(string, IReadOnlyDictionary<string, string?>)> ReadJsonl(string path)
    {
        var rows = new List<(string, IReadOnlyDictionary<string, string?>)>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            var where = string.Create(CultureInfo.InvariantCulture, $"{path}:{line}");
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{where}: malformed JSON: {JsonLines.Describe(e)}", e);
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{where}: expected a JSON object, got {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
                }
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    row[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => p.Value.GetRawText(),
                    };
                }
                rows.Add((where, row));
            }
        }
        return rows;
    }

    private static async Task<List<(string, IReadOnlyDictionary<string, string?>)>> ReadParquetAsync(string path, CancellationToken ct)
    {
        var rows = new List<(string, IReadOnlyDictionary<string, string?>)>();
        await using var stream = File.OpenRead(path);
        IList<Dictionary<string, object>> records;
        try
        {
            var data = await ParquetSerializer.DeserializeUntypedAsync(stream, cancellationToken: ct);
            records = data.Data;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a readable Parquet file ({e.GetType().Name})", e);
        }
        var index = 0;
        foreach (var record in records)
        {
            index++;
            var row = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in record)
            {
                row[key] = value switch
                {
                    null => null,
                    string s => s,
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString(),
                };
            }
            rows.Add((string.Create(CultureInfo.InvariantCulture, $"{path}: row {index}"), row));
        }
        return rows;
    }
}
