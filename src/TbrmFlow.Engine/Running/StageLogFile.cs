using System.Globalization;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// The stage log files under <see cref="EngineOptions.LogDirectory"/>: <c>RUN/INSTANCE.log</c> (the
/// instance id URL-escaped), one line per entry, <c>2026-12-06T10:00:00.123Z text</c>.
/// </summary>
public static class StageLogFile
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private const int TimeLength = 24; // the formatted time

    /// <summary>The log file of a stage instance. Both ids are escaped, so the file stays inside <paramref name="logDirectory"/>.</summary>
    public static string PathOf(string logDirectory, string runId, string instanceId) =>
        Path.Combine(logDirectory, Escape(runId), Escape(instanceId) + ".log");

    /// <summary>One entry as it is written to the file, line end included.</summary>
    public static string Format(StageLogLine line) =>
        (line.Time is { } time ? time.ToString(TimeFormat, CultureInfo.InvariantCulture) + " " : "") + line.Text.ReplaceLineEndings(" ") + "\n";

    /// <summary>Reads an entry back; a line without a leading time (older files) has none.</summary>
    public static StageLogLine Parse(string line) =>
        line.Length > TimeLength && line[TimeLength] == ' '
        && DateTime.TryParseExact(line[..TimeLength], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? new StageLogLine(time, line[(TimeLength + 1)..])
            : new StageLogLine(null, line);

    /// <summary>The last <paramref name="max"/> entries of a stage's log; empty when it has none.</summary>
    public static IReadOnlyList<StageLogLine> Read(string logDirectory, string runId, string instanceId, int max = int.MaxValue)
    {
        var file = PathOf(logDirectory, runId, instanceId);
        if (!File.Exists(file))
        {
            return [];
        }
        var tail = new Queue<string>();
        foreach (var line in File.ReadLines(file))
        {
            tail.Enqueue(line);
            if (tail.Count > max)
            {
                tail.Dequeue();
            }
        }
        return [.. tail.Select(Parse)];
    }

    // URL escaping leaves '.' alone: "." and ".." would name a directory, so their dots are escaped too.
    private static string Escape(string id) => id is "." or ".." ? id.Replace(".", "%2E", StringComparison.Ordinal) : Uri.EscapeDataString(id);
}
