using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TbrmFlow.Tracking;
using TbrmFlow.Tracking.Compare;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow compare RUN_ID... [--metric train/reward_mean] [--out chart.png] [--tracking-uri URI]</c></summary>
public static class CompareCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var ids = new Argument<string[]>("run-ids") { Description = "MLflow run ids (a unique prefix is enough locally).", Arity = ArgumentArity.OneOrMore };
        var metric = new Option<string>("--metric") { Description = "The metric to chart over steps.", DefaultValueFactory = _ => "train/reward_mean" };
        var output = new Option<string?>("--out") { Description = "Write the chart to this PNG file." };
        var uri = TrackingOptionsBinding.TrackingUriOption();
        var store = TrackingOptionsBinding.MlrunsOption();
        var command = new Command("compare", "Compare runs: params that differ, final metrics, and a chart of one metric.") { ids, metric, output, uri, store };
        command.SetAction((parse, ct) => CompareAsync(
            parse.GetValue(ids)!, parse.GetValue(metric)!, parse.GetValue(output), new TrackingOptions { TrackingUri = parse.GetValue(uri), LocalStore = parse.GetValue(store)! }, ct));
        return command;
    }

    private static async Task<int> CompareAsync(string[] ids, string metric, string? output, TrackingOptions options, CancellationToken ct)
    {
        IReadOnlyList<(StoredRun, IReadOnlyList<StoredRun>)> runs;
        try
        {
            if (options.ResolveRemote() is { } remote)
            {
                using var client = new MlflowRestClient(new Uri(remote), MlflowCredentials.FromEnvironment());
                runs = await RunComparison.LoadRemoteAsync(client, ids, ct);
            }
            else
            {
                if (!Directory.Exists(options.ResolveLocalStore()))
                {
                    Terminal.Error.MarkupLineInterpolated($"[red]error:[/] no local store at {options.ResolveLocalStore()}");
                    return ExitCodes.BadInput;
                }
                runs = RunComparison.LoadLocal(new MlflowFileStore(options.ResolveLocalStore()), ids);
            }
        }
        catch (Exception e) when (e is ArgumentException or MlflowApiException or HttpRequestException)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.BadInput;
        }
        var comparison = RunComparison.Build(runs, metric);
        Terminal.Out.Write(Table("param", comparison, comparison.DifferingParams.Select(p => (p.Key, p.Value.Select(v => v ?? "-")))));
        Terminal.Out.Write(Table("final metric", comparison, comparison.FinalMetrics.Select(m => (m.Key, m.Value.Select(v => v?.ToString("G6", CultureInfo.InvariantCulture) ?? "-")))));
        if (output is not null)
        {
            if (!MetricChart.Render(comparison.Panels, output))
            {
                Terminal.Error.MarkupLineInterpolated($"[yellow]warning:[/] no run has '{metric}'; no chart written");
                return ExitCodes.BadInput;
            }
            Terminal.Error.MarkupLineInterpolated($"chart of {metric} ({comparison.Panels.Count} panels, one per stage): {Path.GetFullPath(output)}");
        }
        return ExitCodes.Ok;
    }

    private static Table Table(string title, RunComparison comparison, IEnumerable<(string Key, IEnumerable<string> Values)> rows)
    {
        var table = new Table().AddColumn(title);
        foreach (var (run, label) in comparison.Runs.Zip(comparison.Labels))
        {
            table.AddColumn(new TableColumn(Markup.Escape($"{label} ({run.RunId[..8]})")));
        }
        foreach (var (key, values) in rows)
        {
            table.AddRow([Markup.Escape(key), .. values.Select(Markup.Escape)]);
        }
        return table;
    }
}
