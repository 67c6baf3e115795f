using System.CommandLine;
using Spectre.Console;
using TbrmFlow.Tracking;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Sync;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow mlflow sync [--tracking-uri URI] [--store DIR]</c>, <c>tbrmflow mlflow repair [--store DIR]</c></summary>
public static class MlflowCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var uri = TrackingOptionsBinding.TrackingUriOption();
        var store = TrackingOptionsBinding.MlrunsOption();
        var sync = new Command("sync", "Send what the local store holds and the server lacks (idempotent: nothing is sent twice).") { uri, store };
        sync.SetAction((parse, ct) => SyncAsync(parse.GetValue(uri), parse.GetValue(store)!, ct));
        var repairStore = TrackingOptionsBinding.MlrunsOption();
        var repair = new Command("repair", "Repair what faults left in the local store: a metric step logged twice, a line cut short, a run directory without meta.yaml. Run it while no run writes to the store.") { repairStore };
        repair.SetAction(parse => Repair(parse.GetValue(repairStore)!));
        return new Command("mlflow", "MLflow tracking.") { sync, repair };
    }

    private static int Repair(string storeDir)
    {
        var root = new TrackingOptions { LocalStore = storeDir }.ResolveLocalStore();
        if (!Directory.Exists(root))
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] no local store at {root}");
            return ExitCodes.BadInput;
        }
        try
        {
            var report = MlflowRepair.Repair(new MlflowFileStore(root));
            Terminal.Out.MarkupLineInterpolated(
                $"repaired {root}: {report.MetricFiles} metric files rewritten ({report.DuplicateLines} duplicated steps, {report.CutLines} cut lines dropped), {report.RemovedDirectories} half-made run directories removed, {report.FinishedRuns} marked FAILED");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] repair stopped: {e.Message}. What was repaired stays repaired; run the command again.");
            return ExitCodes.RunFailed;
        }
    }

    private static async Task<int> SyncAsync(string? trackingUri, string storeDir, CancellationToken ct)
    {
        var options = new TrackingOptions { TrackingUri = trackingUri, LocalStore = storeDir };
        var remote = options.ResolveRemote();
        if (remote is null)
        {
            Terminal.Error.MarkupLine("[red]error:[/] no MLflow server: pass --tracking-uri http://host:port or set MLFLOW_TRACKING_URI");
            return ExitCodes.BadInput;
        }
        if (!Directory.Exists(options.ResolveLocalStore()))
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] no local store at {options.ResolveLocalStore()}");
            return ExitCodes.BadInput;
        }
        using var client = new MlflowRestClient(new Uri(remote), MlflowCredentials.FromEnvironment());
        var synchronizer = new RunSynchronizer(new MlflowFileStore(options.ResolveLocalStore()), client);
        try
        {
            var report = await synchronizer.SyncAllAsync(ct);
            var table = new Table().AddColumns("runs", "created", "metrics", "params", "tags", "artifacts");
            table.AddRow($"{report.Runs}", $"{report.RunsCreated}", $"{report.Metrics}", $"{report.Params}", $"{report.Tags}", $"{report.Artifacts}");
            Terminal.Out.Write(table);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is MlflowApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] sync stopped: {e.Message}. What was sent is recorded; run the command again to continue.");
            return ExitCodes.RunFailed;
        }
    }
}
