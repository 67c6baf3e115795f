using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Cli.Output;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow resume RUN_ID [--json]</c>: continue a killed, failed or cancelled run.</summary>
public static class ResumeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var runId = new Argument<string>("run-id") { Description = "The run to continue (see 'tbrmflow runs')." };
        var json = new Option<bool>("--json") { Description = "Print a final JSON document on stdout instead of a table." };
        var parallel = new Option<int?>("--parallel") { Description = "Stages running at once." };
        var engine = new EngineCommandOptions();
        var trackingUri = TrackingOptionsBinding.TrackingUriOption();
        var command = new Command("resume", "Continue an interrupted or failed run: finished stages are kept, the rest run (from their checkpoints).") { runId, json, parallel, trackingUri };
        engine.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var options = engine.Build(parse, parse.GetValue(parallel));
            using var services = CliHost.Build(options);
            await using var tracker = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = parse.GetValue(trackingUri) });
            var id = parse.GetValue(runId)!;
            var code = await RunOutput.ExecuteAsync(id, parse.GetValue(json), options.LogDirectory,
                display => services.GetRequiredService<WorkflowRunner>().ResumeAsync(id, new CompositeRunObserver(display, tracker), ct),
            async () =>
            {
                await tracker.DisposeAsync();
                return tracker.Describe();
            });
            return code;
        });
        return command;
    }
}
