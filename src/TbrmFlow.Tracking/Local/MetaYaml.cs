using System.Globalization;
using System.Text;

namespace TbrmFlow.Tracking.Local;

/// <summary>
/// The flat YAML of MLflow's <c>meta.yaml</c> files: one <c>key: value</c> per line, strings
/// single-quoted, <c>null</c> for missing values, and the legacy empty <c>tags: []</c>.
/// </summary>
internal static class MetaYaml
{
    public static string Write(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in fields)
        {
            builder.Append(key).Append(": ").Append(Format(value)).Append('\n');
        }
        return builder.ToString();
    }

    public static Dictionary<string, string?> Read(string path)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0 || line.StartsWith(' '))
            {
                continue;
            }
            var raw = line[(colon + 2)..].Trim();
            result[line[..colon]] = raw switch
            {
                "null" or "~" or "" => null,
                _ when raw.Length >= 2 && raw[0] == '\'' && raw[^1] == '\'' => raw[1..^1].Replace("''", "'", StringComparison.Ordinal),
                _ => raw,
            };
        }
        return result;
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "'",
        long or int => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Array { Length: 0 } => "[]",
        _ => throw new ArgumentException($"unsupported meta.yaml value {value.GetType().Name}", nameof(value)),
    };
}
