using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using TbrmFlow.Cluster;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow worker --cluster CONN [--queues gpu,default] [--slots N] [--gpus 0,1] [--lease S] [--home DIR] [--mlruns DIR] [--tracking-uri URI]</c></summary>
public static class WorkerCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var cluster = new ClusterCommandOptions();
        var queues = new Option<string>("--queues") { Description = "Queues to take stages from, in priority order.", DefaultValueFactory = _ => "gpu,default" };
        var slots = new Option<int?>("--slots") { Description = "Stages run at once (default: the number of --gpus, else 1)." };
        var gpus = new Option<string?>("--gpus") { Description = "GPU devices to pin GPU stages to, e.g. 0,1 (one free device per GPU stage)." };
        var lease = new Option<double>("--lease") { Description = "Seconds after which a stage whose worker died is handed to another worker.", DefaultValueFactory = _ => 300 };
        var name = new Option<string?>("--name") { Description = "Worker name in the dashboard and attempts (default host:pid)." };
        var mlruns = new Option<string?>("--mlruns") { Description = "Where this worker sees the MLflow store its runs record (default: the submitter's path; the shared directory must hold it)." };
        var trackingUri = new Option<string?>("--tracking-uri") { Description = "How this worker reaches the MLflow server of runs submitted with one (default: the submitter's URI)." };
        var engine = new EngineCommandOptions();
        var command = new Command("worker", "Take stage jobs from a cluster's queues until stopped (SIGTERM/Ctrl+C re-queues the running stages).") { queues, slots, gpus, lease, name, mlruns, trackingUri };
        cluster.AddTo(command);
        engine.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var conn = cluster.Get(parse);
            if (conn is null)
            {
                Terminal.Error.MarkupLine("[red]error:[/] --cluster CONN is required (the cluster's PostgreSQL connection string)");
                return ExitCodes.BadInput;
            }
            var queueList = parse.GetValue(queues)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (queueList.Length == 0 || queueList.FirstOrDefault(q => !StageQueues.IsValidName(q)) is { } badQueue)
            {
                Terminal.Error.MarkupLineInterpolated($"[red]error:[/] --queues: '{parse.GetValue(queues)}' must be a comma-separated list of names of lowercase letters, digits and '_'");
                return ExitCodes.BadInput;
            }
            var devices = new List<int>();
            foreach (var part in (parse.GetValue(gpus) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var device))
                {
                    Terminal.Error.MarkupLineInterpolated($"[red]error:[/] --gpus: '{part}' is not a device index (expected e.g. 0,1)");
                    return ExitCodes.BadInput;
                }
                devices.Add(device);
            }
            var slotCount = parse.GetValue(slots) ?? Math.Max(1, devices.Count);
            if (slotCount < 1 || parse.GetValue(lease) <= 0)
            {
                Terminal.Error.MarkupLine("[red]error:[/] --slots must be at least 1 and --lease positive");
                return ExitCodes.BadInput;
            }
            if (parse.GetValue(trackingUri) is { } uri && new TrackingOptions { TrackingUri = uri }.ResolveRemote() is null)
            {
                Terminal.Error.MarkupLineInterpolated($"[red]error:[/] --tracking-uri: '{uri}' is not an MLflow server (http:// or https://); a store directory goes in --mlruns");
                return ExitCodes.BadInput;
            }
            var options = engine.Build(parse);
            using var connection = ClusterCommandOptions.Connect(conn, TimeSpan.FromSeconds(parse.GetValue(lease)));
            if (connection is null)
            {
                return ExitCodes.BadInput;
            }
            using var services = CliHost.Build(options);
            var output = Console.Out;
            void Log(string line)
            {
                lock (output)
                {
                    output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
                    output.Flush();
                }
            }
            // Stages are tracked where their run's submitter recorded (runs.Tracking); replicators live with the worker.
            await using var tracking = new ClusterTracking(Log, parse.GetValue(mlruns), parse.GetValue(trackingUri));
            var workerOptions = new WorkerOptions
            {
                Queues = queueList,
                Slots = slotCount,
                Gpus = devices,
                ArtifactDirectory = Path.Combine(options.HomeDirectory, "artifacts"),
                Name = parse.GetValue(name) ?? $"{Environment.MachineName}:{Environment.ProcessId}",
                Tracking = run => tracking.ForStageJob(run, connection.Store),
                LogDirectory = options.LogDirectory,
            };
            // SIGTERM/SIGINT stop the worker gracefully ourselves: the generic handler of the command line
            // gives an action 2 s before the process ends, too little to hand running stages back.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
            using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
            void Stop(System.Runtime.InteropServices.PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
            var worker = new ClusterWorker(connection, services.GetRequiredService<StageInstanceRunner>(), workerOptions, Log);
            Log($"worker {workerOptions.Name}: queues {string.Join(",", queueList)}, {slotCount} slot(s), gpus [{string.Join(",", devices)}], home {options.HomeDirectory}, database {ClusterConnection.Describe(conn)}");
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                Log($"worker {workerOptions.Name}: stopping; running stages are cancelled and re-queued");
            }
            worker.Dispose();
            await tracking.DisposeAsync();
            Log($"worker {workerOptions.Name}: stopped");
            return ExitCodes.Ok;
        });
        return command;
    }
}
