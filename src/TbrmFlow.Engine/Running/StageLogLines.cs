using System.Collections.Concurrent;
using System.Globalization;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// Turns a stage's events into the text lines of its log: state changes, progress at every tenth of
/// the way (with the last metrics when the stage gave no message), and what the activity logged. The
/// CLI prints these lines (prefixed with the stage id) and <see cref="StageLogWriter"/> stores them, so
/// a stage's log in the web UI reads like the terminal. Thread-safe.
/// </summary>
public sealed class StageLogLines
{
    /// <summary>Metrics shown on a progress line that has no message.</summary>
    public const int MaxMetricsPerLine = 4;

    private readonly ConcurrentDictionary<string, Stage> _stages = new(StringComparer.Ordinal);

    /// <summary>The line of a state change: <c>running</c>, <c>failed: why</c>.</summary>
    public static string State(StageStatus status, string? detail) =>
        status.ToString().ToLowerInvariant() + (string.IsNullOrEmpty(detail) ? "" : ": " + detail);

    /// <summary>
    /// The line of a progress report (<c>25/250 (10%) loss 0.120</c>), or null when the stage has not
    /// passed another tenth of its work since the last line (the first report always gives a line).
    /// </summary>
    public string? Progress(string stageId, long done, long total, string? message)
    {
        var stage = _stages.GetOrAdd(stageId, _ => new Stage());
        var tenth = total > 0 ? Math.Clamp(10 * done / total, 0, 10) : 0;
        string? detail;
        lock (stage)
        {
            if (stage.PrintedTenth is { } last && tenth <= last)
            {
                return null;
            }
            stage.PrintedTenth = tenth;
            detail = string.IsNullOrEmpty(message) ? stage.LastMetrics : message;
        }
        var percent = total > 0 ? 100.0 * done / total : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{done}/{total} ({percent:F0}%) {detail}").TrimEnd();
    }

    /// <summary>Remembers a stage's latest metrics for its next progress line.</summary>
    public void Metrics(string stageId, IReadOnlyDictionary<string, double> metrics)
    {
        var text = string.Join(' ', metrics
            .OrderBy(m => m.Key.StartsWith("perf/", StringComparison.Ordinal) ? 1 : 0).ThenBy(m => m.Key, StringComparer.Ordinal)
            .Take(MaxMetricsPerLine)
            .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G4}")));
        var stage = _stages.GetOrAdd(stageId, _ => new Stage());
        lock (stage)
        {
            stage.LastMetrics = text;
        }
    }

    /// <summary>Forgets a stage's progress (a new attempt starts from its first report again).</summary>
    public void Reset(string stageId) => _stages.TryRemove(stageId, out _);

    private sealed class Stage
    {
        public long? PrintedTenth { get; set; }

        public string? LastMetrics { get; set; }
    }
}
