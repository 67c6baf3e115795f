using System.CommandLine;
using Spectre.Console;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Cli.Output;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking;
using TbrmFlow.Workflows.Parsing;
using YamlDotNet.RepresentationModel;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow run FILE [-p key=value ...] [--json]</c></summary>
public static class RunCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The workflow YAML file." };
        var parameters = new Option<string[]>("--param", "-p")
        {
            Description = "Override a workflow parameter: -p name=value (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Print a final JSON document on stdout instead of a table." };
        var home = new Option<string>("--home")
        {
            Description = "Where runs, artifacts and stage state are kept.",
            DefaultValueFactory = _ => ".tbrmflow",
        };
        var trackingUri = TrackingOptionsBinding.TrackingUriOption();
        var command = new Command("run", "Run a workflow on this machine.") { file, parameters, json, home, trackingUri };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(file)!, parse.GetValue(parameters) ?? [], parse.GetValue(json), parse.GetValue(home)!,
            new TrackingOptions { TrackingUri = parse.GetValue(trackingUri) }, ct));
        return command;
    }

    private static async Task<int> RunAsync(string file, string[] parameters, bool json, string home, TrackingOptions tracking, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] workflow file not found: {file}");
            return ExitCodes.BadInput;
        }
        Workflows.Model.WorkflowDefinition workflow;
        try
        {
            workflow = WorkflowParser.ParseFile(file);
        }
        catch (WorkflowParseException e)
        {
            foreach (var d in e.Diagnostics)
            {
                Terminal.Error.WriteLine(d.Format(file));
            }
            return ExitCodes.BadInput;
        }
        if (!TryParseOverrides(parameters, out var overrides))
        {
            return ExitCodes.BadInput;
        }

        using var services = CliHost.Build(new EngineOptions { HomeDirectory = Path.GetFullPath(home) });
        var runner = services.GetRequiredService<WorkflowRunner>();
        await using var tracker = TrackingSetup.CreateObserver(tracking);
        var observer = new CompositeRunObserver(new ConsoleRunObserver(Terminal.Error), tracker);
        RunResult result;
        try
        {
            result = await runner.RunAsync(workflow, overrides, observer, ct);
        }
        catch (StageInputException e)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.BadInput;
        }

        Terminal.Error.MarkupLineInterpolated($"[grey]{tracker.Describe()}[/]");
        if (json)
        {
            Console.Out.WriteLine(RunResultJson.Serialize(result));
        }
        else
        {
            RunSummary.Write(Terminal.Out, workflow.Name, result);
        }
        return result.Status switch
        {
            RunStatus.Succeeded => ExitCodes.Ok,
            RunStatus.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.RunFailed,
        };
    }

    private static bool TryParseOverrides(string[] parameters, out Dictionary<string, JsonNode?> overrides)
    {
        overrides = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                Terminal.Error.MarkupLineInterpolated($"[red]error:[/] -p expects name=value, got '{p}'");
                return false;
            }
            overrides[p[..eq]] = YamlToJson.Scalar(new YamlScalarNode(p[(eq + 1)..]));
        }
        return true;
    }
}
