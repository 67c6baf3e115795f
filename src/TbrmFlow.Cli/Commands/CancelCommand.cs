using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using TbrmFlow.Cluster;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Tracking;

namespace TbrmFlow.Cli.Commands;

/// <summary>
/// <c>tbrmflow cancel RUN_ID --cluster CONN [--wait] [--json]</c>: cancels a cluster run. Exit 0 when the
/// run is cancelled or cancelling, 2 for an unknown run (or a local run: those stop with Ctrl+C), 1 when
/// the run had already ended.
/// </summary>
public static class CancelCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var runId = new Argument<string>("run-id") { Description = "The run (see 'tbrmflow runs --cluster CONN')." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the stages still running have stopped and the run is cancelled." };
        var json = new Option<bool>("--json") { Description = "Print a JSON document: run_id, status, running, stopped." };
        var engine = new EngineCommandOptions();
        var cluster = new ClusterCommandOptions();
        var command = new Command("cancel", "Cancel a cluster run: stages not started are cancelled, running ones stop on their workers within seconds.") { runId, wait, json };
        engine.AddTo(command);
        cluster.AddTo(command);
        command.SetAction((parse, ct) => cluster.Get(parse) is { } conn
            ? CancelAsync(parse.GetValue(runId)!, conn, parse.GetValue(wait), parse.GetValue(json), ct)
            : Task.FromResult(Local(parse.GetValue(runId)!, engine.Build(parse))));
        return command;
    }

    private static async Task<int> CancelAsync(string id, string conn, bool wait, bool json, CancellationToken ct)
    {
        using var connection = ClusterCommandOptions.Connect(conn);
        if (connection is null)
        {
            return ExitCodes.BadInput;
        }
        // Stages that will not run, and the run's end when this call closed it, go to MLflow as a worker's advance reports them.
        RunCanceller.Outcome outcome;
        await using (var tracking = new ClusterTracking(Warn))
        {
            outcome = RunCanceller.CancelAndReport(connection, id, "cancelled with 'tbrmflow cancel'", run => tracking.ForStageJob(run, connection.Store), Warn);
        }
        switch (outcome.State)
        {
            case RunCanceller.State.NotFound:
                Terminal.Error.MarkupLineInterpolated($"[red]error:[/] no run '{id}' in the cluster at {ClusterConnection.Describe(conn)} (list its runs with: tbrmflow runs --cluster ...)");
                return ExitCodes.BadInput;
            case RunCanceller.State.AlreadyEnded:
                Terminal.Error.MarkupLineInterpolated($"[red]error:[/] run '{id}' already ended ({outcome.RunStatus}); there is nothing to cancel");
                return ExitCodes.RunFailed;
        }
        var status = outcome.RunStatus;
        if (!json)
        {
            var notStarted = outcome.Stopped.Count == 0 ? "" : $"; {outcome.Stopped.Count} stage(s) that had not started will not run";
            var running = string.Join(", ", outcome.Running);
            if (outcome.State == RunCanceller.State.Cancelled)
            {
                Terminal.Out.MarkupLineInterpolated($"run {id} cancelled: no stage was running{notStarted}");
            }
            else
            {
                Terminal.Out.MarkupLineInterpolated($"run {id} is cancelling: running stage(s) {running} stop on their workers within a few seconds{notStarted}");
            }
        }
        if (wait && outcome.State == RunCanceller.State.Cancelling)
        {
            try
            {
                while (connection.Store.GetRun(id)?.Status == RunStatus.Cancelling)
                {
                    await Task.Delay(500, ct);
                }
            }
            catch (OperationCanceledException)
            {
                Terminal.Error.MarkupLineInterpolated($"stopped waiting; run {id} is still cancelling (tbrmflow show {id} --cluster ...)");
                return ExitCodes.Cancelled;
            }
            status = connection.Store.GetRun(id) is { } ended ? Lifecycle.Name(ended.Status) : "missing";
            if (!json)
            {
                Terminal.Out.MarkupLineInterpolated($"run {id} {status}");
            }
        }
        if (json)
        {
            Console.Out.WriteLine(new JsonObject
            {
                ["run_id"] = id,
                ["status"] = status,
                ["running"] = new JsonArray([.. outcome.Running.Select(r => (JsonNode)r)]),
                ["stopped"] = new JsonArray([.. outcome.Stopped.Select(r => (JsonNode)r)]),
            }.ToJsonString());
        }
        else if (status == Lifecycle.Name(RunStatus.Cancelling))
        {
            Terminal.Error.MarkupLineInterpolated($"[grey]follow it with: tbrmflow show {id} --cluster ...[/]");
        }
        return ExitCodes.Ok;
    }

    // A local run runs inside the process that started it: only that process can stop it.
    private static int Local(string id, Engine.EngineOptions options)
    {
        using var store = File.Exists(options.ResolvedStorePath) ? new RunStore(options.ResolvedStorePath) : null;
        var run = store?.GetRun(id);
        if (run is null)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] no run '{id}' in {options.ResolvedStorePath}; for a cluster run add --cluster CONN");
            return ExitCodes.BadInput;
        }
        if (run.Status == RunStatus.Interrupted)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] run '{id}' is interrupted (its process {run.Pid} is gone); there is nothing to cancel. Continue it with: tbrmflow resume {id}");
            return ExitCodes.RunFailed;
        }
        if (!Lifecycle.IsLive(run.Status))
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] run '{id}' already ended ({Lifecycle.Name(run.Status)}); there is nothing to cancel");
            return ExitCodes.RunFailed;
        }
        Terminal.Error.MarkupLineInterpolated(
            $"[red]error:[/] run '{id}' runs in its own process on this machine (pid {run.Pid}): stop it with Ctrl+C in its terminal; a run started by the server stops with its Cancel button or POST /api/runs/{id}/cancel. 'tbrmflow cancel' cancels cluster runs (--cluster CONN).");
        return ExitCodes.BadInput;
    }

    private static void Warn(string line) => Terminal.Error.MarkupLineInterpolated($"[yellow]{line}[/]");
}
