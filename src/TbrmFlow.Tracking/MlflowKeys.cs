using System.Text;

namespace TbrmFlow.Tracking;

/// <summary>MLflow's rules for metric, param and tag keys: at most 250 characters of letters,
/// digits and <c>_ - . space / :</c>, and no <c>..</c> path segment.</summary>
public static class MlflowKeys
{
    /// <summary>The longest key MLflow accepts.</summary>
    public const int MaxLength = 250;

    /// <summary>True when MLflow would accept <paramref name="key"/>.</summary>
    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(IsAllowed) && !key.Split('/').Contains("..") && !key.StartsWith('/');

    /// <summary>Replaces what MLflow refuses with <c>_</c> and truncates to the limit.</summary>
    public static string Sanitize(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var ch in key)
        {
            builder.Append(IsAllowed(ch) ? ch : '_');
        }
        var result = builder.ToString().Replace("..", "__", StringComparison.Ordinal).TrimStart('/');
        return result.Length == 0 ? "_" : result[..Math.Min(result.Length, MaxLength)];
    }

    private static bool IsAllowed(char ch) => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.' or ' ' or '/' or ':';
}
