using System.Text.Json;
using System.Text.Json.Serialization;

namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>Reading JSON Lines files with errors that name the file and line.</summary>
public static class JsonLines
{
    /// <summary>snake_case, nulls omitted, compact.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>
    /// A JSON error for a message without the file's text: the reader's syntax errors quote the characters they
    /// stopped at (<c>'h' is an invalid start of a value</c>), so those become a position only; errors about the
    /// record's shape (types, required properties) name no content and are kept.
    /// </summary>
    public static string Describe(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!e.Message.StartsWith('\''))
        {
            return e.Message;
        }
        var line = e.LineNumber is { } l ? $" at line {l + 1}" : "";
        var at = e.BytePositionInLine is { } b ? $", byte {b + 1}" : "";
        return $"not valid JSON{line}{at}";
    }

    /// <summary>Reads one record per non-empty line.</summary>
    /// <exception cref="InvalidDataException">For a missing file or a line that is not a valid record.</exception>
    public static IReadOnlyList<T> Read<T>(string file)
    {
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"{file}: file not found");
        }
        var list = new List<T>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                list.Add(JsonSerializer.Deserialize<T>(line, Options) ?? throw new JsonException("null record"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file}:{lineNumber}: not a valid {typeof(T).Name} record: {Describe(e)}", e);
            }
        }
        return list;
    }
}
