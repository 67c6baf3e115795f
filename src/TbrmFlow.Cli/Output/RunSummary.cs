using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Output;

/// <summary>The table a person reads at the end of a run (the full values are in <c>--json</c> and <c>show --json</c>).</summary>
public static class RunSummary
{
    private const string CiLow = "_ci_low";
    private const string CiHigh = "_ci_high";

    /// <summary>Writes one row per stage: status, time, key outputs and last metrics.</summary>
    public static void Write(IAnsiConsole console, string workflow, RunResult result)
    {
        var table = new Table().Title($"{workflow} · run {result.RunId} · {Lifecycle.Name(result.Status)}")
            .AddColumns("stage", "status", "time", "outputs", "metrics");
        foreach (var (id, stage) in result.Stages)
        {
            var outputs = string.Join("\n", stage.Outputs.Select(o => $"{o.Key} = {Output(o.Value, Environment.CurrentDirectory)}"));
            table.AddRow(
                new Text(id),
                new Markup(Colour(stage.Status)),
                new Text($"{stage.DurationS:F1}s"),
                new Text(stage.Error is null ? outputs : stage.Error),
                new Text(string.Join("\n", MetricLines(stage.Metrics))));
        }
        console.Write(table);
    }

    /// <summary>
    /// One output value for the table: an artifact reference (<c>{"kind", "path", ...}</c>) becomes its kind and
    /// its path relative to <paramref name="workingDirectory"/> when it lies below it; anything else its JSON, cut at 80 characters.
    /// </summary>
    public static string Output(JsonNode? value, string workingDirectory)
    {
        if (value is JsonObject artifact && artifact["kind"] is JsonValue kind && artifact["path"] is JsonValue path
            && kind.TryGetValue<string>(out var kindName) && path.TryGetValue<string>(out var fullPath))
        {
            var relative = Path.GetRelativePath(workingDirectory, fullPath);
            return $"{kindName} {(relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative)}";
        }
        var json = value?.ToJsonString() ?? "null";
        return json.Length <= 80 ? json : json[..77] + "...";
    }

    /// <summary>
    /// The metrics sorted by name, one line each; a metric's <c>_ci_low</c>/<c>_ci_high</c> pair is folded into its line
    /// as <c>name = value [low, high]</c>.
    /// </summary>
    public static IEnumerable<string> MetricLines(IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var (key, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (IsFoldedBound(key, metrics))
            {
                continue;
            }
            var line = $"{key} = {Number(value)}";
            if (metrics.TryGetValue(key + CiLow, out var low) && metrics.TryGetValue(key + CiHigh, out var high))
            {
                line += $" [{Number(low)}, {Number(high)}]";
            }
            yield return line;
        }
    }

    private static bool IsFoldedBound(string key, IReadOnlyDictionary<string, double> metrics)
    {
        var suffix = key.EndsWith(CiLow, StringComparison.Ordinal) ? CiLow : key.EndsWith(CiHigh, StringComparison.Ordinal) ? CiHigh : null;
        if (suffix is null)
        {
            return false;
        }
        var name = key[..^suffix.Length];
        return metrics.ContainsKey(name) && metrics.ContainsKey(name + CiLow) && metrics.ContainsKey(name + CiHigh);
    }

    private static string Number(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    /// <summary>A stage status, coloured: green done, red failed, yellow stopped (cancelled, interrupted), grey the rest.</summary>
    public static string Colour(StageStatus status) => Paint(Lifecycle.Name(status), status switch
    {
        StageStatus.Succeeded or StageStatus.Cached => "green",
        StageStatus.Failed => "red",
        StageStatus.Cancelled or StageStatus.Interrupted => "yellow",
        _ => "grey",
    });

    /// <summary>A run status, coloured as <see cref="Colour(StageStatus)"/>.</summary>
    public static string Colour(RunStatus status) => Paint(Lifecycle.Name(status), status switch
    {
        RunStatus.Succeeded => "green",
        RunStatus.Failed => "red",
        RunStatus.Cancelled or RunStatus.Cancelling or RunStatus.Interrupted => "yellow",
        _ => "grey",
    });

    private static string Paint(string name, string colour) => $"[{colour}]{name}[/]";
}
