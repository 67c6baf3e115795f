using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Cli.Output;
using TbrmFlow.Cluster;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking;
using TbrmFlow.Workflows.Parsing;


namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow run FILE --cluster CONN [--wait] [--json]</c>: enqueue on a cluster's workers.</summary>
internal static class ClusterRunCommand
{
    public static async Task<int> RunAsync(string file, string[] parameters, bool json, bool wait, string conn, Engine.EngineOptions options, TrackingOptions tracking, CancellationToken ct)
    {
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
        using var connection = ClusterCommandOptions.Connect(conn);
        if (connection is null)
        {
            return ExitCodes.BadInput;
        }
        // Tracked as an in-process run is (options, MLFLOW_TRACKING_URI, ./mlruns): this process creates the
        // parent run, the workers record their stages under it in the store recorded with the run.
        await using var tracker = TrackingSetup.CreateObserver(tracking);
        var runner = new ClusterRunner(connection) { Tracking = ClusterTracking.Target(tracking) };
        string runId;
        try
        {
            runId = await runner.StartAsync(workflow, overrides, tracker);
        }
        catch (StageInputException e)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.BadInput;
        }
        Terminal.Error.MarkupLineInterpolated($"run {runId} enqueued on {ClusterConnection.Describe(conn)}; follow it with: tbrmflow show {runId} --cluster ...");
        if (!wait)
        {
            await tracker.DisposeAsync();
            Terminal.Error.MarkupLineInterpolated($"[grey]{tracker.Describe()}[/]");
            if (json)
            {
                Console.Out.WriteLine(new JsonObject { ["run_id"] = runId, ["status"] = Lifecycle.Name(RunStatus.Running) }.ToJsonString());
            }
            else
            {
                Console.Out.WriteLine(runId);
            }
            return ExitCodes.Ok;
        }
        // Ctrl+C detaches, as when the submitter leaves: the run belongs to the cluster, `tbrmflow cancel` cancels it.
        Terminal.Error.MarkupLineInterpolated($"[grey]Ctrl+C stops following (the run goes on); cancel it with: tbrmflow cancel {runId} --cluster ...[/]");
        using var detach = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            detach.Cancel();
        });
        int code;
        try
        {
            code = await RunOutput.ExecuteAsync(workflow.Name, json, null, display => runner.WaitAsync(runId, display, detach.Token));
        }
        catch (OperationCanceledException) when (detach.IsCancellationRequested)
        {
            Terminal.Error.MarkupLineInterpolated($"stopped following run {runId}; it goes on on the workers. Cancel it with: tbrmflow cancel {runId} --cluster ...");
            code = ExitCodes.Cancelled;
        }
        await tracker.DisposeAsync();
        Terminal.Error.MarkupLineInterpolated($"[grey]{tracker.Describe()}[/]");
        return code;
    }
}
