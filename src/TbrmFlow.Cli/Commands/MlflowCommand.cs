using System.CommandLine;
using Spectre.Console;
using TbrmFlow.Tracking;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Sync;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow mlflow sync [--tracking-uri URI] [--store DIR]</c></summary>
public static class MlflowCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var uri = TrackingOptionsBinding.TrackingUriOption();
        var store = TrackingOptionsBinding.MlrunsOption();
        var sync = new Command("sync", "Send what the local store holds and the server lacks (idempotent: nothing is sent twice).") { uri, store };
        sync.SetAction((parse, ct) => SyncAsync(parse.GetValue(uri), parse.GetValue(store)!, ct));
        return new Command("mlflow", "MLflow tracking.") { sync };
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
