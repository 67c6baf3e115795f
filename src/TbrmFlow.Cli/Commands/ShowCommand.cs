using System.CommandLine;
using Spectre.Console;
using TbrmFlow.Cli.Output;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow show RUN_ID [--json]</c>: one run's stages, attempts, outputs and errors.</summary>
public static class ShowCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var runId = new Argument<string>("run-id") { Description = "The run (see 'tbrmflow runs')." };
        var json = new Option<bool>("--json") { Description = "Print the same JSON document as 'run --json'." };
        var engine = new EngineCommandOptions();
        var cluster = new ClusterCommandOptions();
        var command = new Command("show", "Show one run.") { runId, json };
        engine.AddTo(command);
        cluster.AddTo(command);
        command.SetAction(parse =>
        {
            var options = engine.Build(parse);
            var id = parse.GetValue(runId)!;
            using var store = ClusterCommandOptions.OpenStore(cluster.Get(parse), options, out var connection);
            using var _ = connection;
            if (store is null)
            {
                if (cluster.Get(parse) is null)
                {
                    Terminal.Error.MarkupLineInterpolated($"[red]error:[/] no run store at {options.ResolvedStorePath}");
                }
                return ExitCodes.BadInput;
            }
            var run = store.GetRun(id);
            if (run is null)
            {
                Terminal.Error.MarkupLineInterpolated($"[red]error:[/] no run '{id}' in {store.Path}");
                return ExitCodes.BadInput;
            }
            var result = StoredRuns.ToResult(run, store.GetStages(id));
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(RunResultJson.Serialize(result));
                return ExitCodes.Ok;
            }
            Terminal.Out.MarkupLineInterpolated($"[bold]{run.Workflow}[/] run {run.Id}: {Lifecycle.Name(run.Status)} (started {run.StartedAt:yyyy-MM-dd HH:mm:ss} UTC{(run.FinishedAt is { } f ? $", {(f - run.StartedAt).TotalSeconds:F1}s" : "")})");
            if (run.SourceFile is not null)
            {
                Terminal.Out.MarkupLineInterpolated($"[grey]{run.SourceFile}  params {run.ParamsJson}[/]");
            }
            RunSummary.Write(Terminal.Out, run.Workflow, result);
            if (run.Status == RunStatus.Interrupted)
            {
                Terminal.Out.MarkupLineInterpolated($"[yellow]its process ({run.Pid}) is gone; continue it with: tbrmflow resume {run.Id}[/]");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
