using System.Globalization;
using Spectre.Console;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Output;

/// <summary>The table a person reads at the end of a run.</summary>
public static class RunSummary
{
    /// <summary>Writes one row per stage: status, time, key outputs and last metrics.</summary>
    public static void Write(IAnsiConsole console, string workflow, RunResult result)
    {
        var table = new Table().Title($"{workflow} · run {result.RunId} · {result.Status.ToString().ToLowerInvariant()}")
            .AddColumns("stage", "status", "time", "outputs", "metrics");
        foreach (var (id, stage) in result.Stages)
        {
            var outputs = string.Join("\n", stage.Outputs.Select(o => $"{o.Key} = {Short(o.Value?.ToJsonString())}"));
            var metrics = string.Join("\n", stage.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => $"{m.Key} = {m.Value.ToString("G5", CultureInfo.InvariantCulture)}"));
            table.AddRow(
                new Text(id),
                new Markup(Colour(stage.Status)),
                new Text($"{stage.DurationS:F1}s"),
                new Text(stage.Error is null ? outputs : stage.Error),
                new Text(metrics));
        }
        console.Write(table);
    }

    private static string Short(string? json) => json is null ? "null" : json.Length <= 80 ? json : json[..77] + "...";

    private static string Colour(StageStatus status) => status switch
    {
        StageStatus.Succeeded => "[green]succeeded[/]",
        StageStatus.Cached => "[green]cached[/]",
        StageStatus.Failed => "[red]failed[/]",
        StageStatus.Cancelled => "[yellow]cancelled[/]",
        _ => "[grey]" + status.ToString().ToLowerInvariant() + "[/]",
    };
}
