using System.Globalization;
using System.Text.RegularExpressions;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>Durations as written in workflows: <c>90</c> (seconds), <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1h30m</c>.</summary>
public static partial class Durations
{
    /// <summary>
    /// Parses a duration; false when the text is not one. A duration too long for <see cref="TimeSpan"/> gives
    /// <see cref="TimeSpan.MaxValue"/> (callers hold it to <see cref="WorkflowLimits.MaxDuration"/>).
    /// </summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        double seconds;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            seconds = plain;
        }
        else
        {
            var matches = Part().Matches(text);
            if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
            {
                return false;
            }
            seconds = 0;
            foreach (Match m in matches)
            {
                var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                seconds += n * m.Groups[2].Value switch
                {
                    "ms" => 0.001,
                    "s" => 1,
                    "m" => 60,
                    "h" => 3600,
                    _ => 86400,
                };
            }
        }
        if (!(seconds >= 0) || double.IsNaN(seconds))
        {
            return false;
        }
        value = seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue;
        return true;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d)")]
    private static partial Regex Part();
}
