using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Cli.Output;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow run FILE [-p key=value ...] [--json] [--parallel N] [--no-cache] [--home DIR] [--store FILE] [--tracking-uri URI] [--mlruns DIR] [--cluster CONN [--wait]]</c></summary>
public static class RunCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The workflow YAML file." };
        var parameters = new Option<string[]>("--param", "-p")
        {
            Description = "Override a workflow parameter: -p name=value (repeatable; values are typed like YAML, e.g. -p seeds=[1,2]).",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Print a final JSON document on stdout instead of a table." };
        var parallel = new Option<int?>("--parallel") { Description = "Stages running at once (default: cores; 1 for stages that declare a gpu)." };
        var noCache = new Option<bool>("--no-cache") { Description = "Run every stage even when an identical one finished before." };
        var engine = new EngineCommandOptions();
        var trackingUri = TrackingOptionsBinding.TrackingUriOption();
        var mlruns = TrackingOptionsBinding.MlrunsOption();
        var cluster = new ClusterCommandOptions();
        var wait = new Option<bool>("--wait") { Description = "With --cluster: follow the run until it ends (else enqueue and return)." };
        var command = new Command("run", "Run a workflow on this machine, or enqueue it on a cluster (--cluster).") { file, parameters, json, parallel, noCache, trackingUri, mlruns, wait };
        engine.AddTo(command);
        cluster.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var tracking = new TrackingOptions { TrackingUri = parse.GetValue(trackingUri), LocalStore = parse.GetValue(mlruns)! };
            return cluster.Get(parse) is { } conn
                ? ClusterRunCommand.RunAsync(parse.GetValue(file)!, parse.GetValue(parameters) ?? [], parse.GetValue(json), parse.GetValue(wait), conn, engine.Build(parse), tracking, ct)
                : RunAsync(
                    parse.GetValue(file)!, parse.GetValue(parameters) ?? [], parse.GetValue(json),
                    engine.Build(parse, parse.GetValue(parallel), parse.GetValue(noCache)), tracking, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string file, string[] parameters, bool json, Engine.EngineOptions options, TrackingOptions tracking, CancellationToken ct)
    {
        if (options.Parallel is < 1)
        {
            Terminal.Error.MarkupLine("[red]error:[/] --parallel must be at least 1");
            return ExitCodes.BadInput;
        }
        using var services = CliHost.Build(options);
        var workflow = WorkflowFiles.Load(file, services.GetRequiredService<ActivityCatalog>());
        if (workflow is null)
        {
            return ExitCodes.BadInput;
        }
        if (!ParamOverrides.TryParse(parameters, out var overrides, out var error))
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {error}");
            return ExitCodes.BadInput;
        }
        await using var tracker = TrackingSetup.CreateObserver(tracking);
        var code = await RunOutput.ExecuteAsync(workflow.Name, json, options.LogDirectory,
            display => services.GetRequiredService<WorkflowRunner>().RunAsync(workflow, overrides, new CompositeRunObserver(display, tracker), ct),
            async () =>
            {
                await tracker.DisposeAsync();
                return tracker.Describe();
            });
        return code;
    }
}
