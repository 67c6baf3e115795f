using Hangfire;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster;

/// <summary>What a worker takes and where it works.</summary>
public sealed record WorkerOptions
{
    /// <summary>The queues it takes jobs from, in priority order.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [StageQueues.Gpu, StageQueues.Default];

    /// <summary>Jobs it runs at once (one per slot).</summary>
    public int Slots { get; init; } = 1;

    /// <summary>GPU devices to hand to GPU stages (empty: no pinning).</summary>
    public IReadOnlyList<int> Gpus { get; init; } = [];

    /// <summary>The worker's name in the dashboard and in the attempts table (default <c>host:pid</c>).</summary>
    public string Name { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>The shared artifact directory (default HOME/artifacts).</summary>
    public required string ArtifactDirectory { get; init; }

    /// <summary>How often a running stage checks that its run was not cancelled (<see cref="RunCancellationWatch"/>).</summary>
    public TimeSpan RunCheckInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The observer of one stage job of a run (MLflow: TbrmFlow.Tracking's <c>ClusterTracking.ForStageJob</c>):
    /// it gets the job's stage events and, when the job's advance closed the run, <see cref="IRunObserver.RunFinished"/>.
    /// Null: stage jobs are not observed.
    /// </summary>
    public Func<RunRecord, IRunObserver>? Tracking { get; init; }

    /// <summary>Where each stage's log goes (<c>RUN/INSTANCE.log</c>, as in process: HOME/logs on the shared directory, so
    /// the server and <c>tbrmflow logs</c> read what workers wrote); null: no stage logs.</summary>
    public string? LogDirectory { get; init; }
}

/// <summary>
/// A worker process: a Hangfire server on the cluster's storage whose workers (one per slot) run
/// <see cref="StageJob"/>s from the chosen queues. Hangfire heartbeats the server; stopping it
/// (SIGTERM) cancels running stages, which go back to their queue.
/// </summary>
public sealed class ClusterWorker : IDisposable
{
    private readonly BackgroundJobServer _server;
    private readonly Action<string> _log;

    /// <summary>Starts taking jobs.</summary>
    public ClusterWorker(ClusterConnection cluster, StageInstanceRunner runner, WorkerOptions options, Action<string> log)
    {
        Cluster = cluster;
        Runner = runner;
        Name = options.Name;
        Devices = new DevicePool(options.Gpus);
        Artifacts = new SharedDirectoryArtifactStore(options.ArtifactDirectory);
        RunCheckInterval = options.RunCheckInterval;
        Tracking = options.Tracking;
        LogDirectory = options.LogDirectory;
        _log = log;
        // The first EF Core query builds the model (~2 s): pay it before taking jobs, not inside the first stage.
        _ = cluster.Store.GetStages("");
        _ = cluster.Store.FindCached("");
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                ServerName = options.Name,
                WorkerCount = options.Slots,
                Queues = [.. options.Queues],
                Activator = new Activator(this),
                HeartbeatInterval = TimeSpan.FromSeconds(10),
                ServerTimeout = TimeSpan.FromMinutes(1),
                ServerCheckInterval = TimeSpan.FromSeconds(30),
                ShutdownTimeout = TimeSpan.FromSeconds(30),
            },
            cluster.Storage);
    }

    /// <summary>The cluster database.</summary>
    public ClusterConnection Cluster { get; }

    /// <summary>Runs stage instances.</summary>
    public StageInstanceRunner Runner { get; }

    /// <summary>The worker's name.</summary>
    public string Name { get; }

    /// <summary>The worker's GPUs.</summary>
    public DevicePool Devices { get; }

    /// <summary>Where artifacts go.</summary>
    public SharedDirectoryArtifactStore Artifacts { get; }

    /// <summary>How often a running stage checks that its run was not cancelled.</summary>
    public TimeSpan RunCheckInterval { get; }

    /// <summary>Observes stage jobs (see <see cref="WorkerOptions.Tracking"/>).</summary>
    public Func<RunRecord, IRunObserver>? Tracking { get; }

    /// <summary>Where stage logs go, or null.</summary>
    public string? LogDirectory { get; }

    /// <summary>The observer of one stage job of <paramref name="run"/>: its tracking and its stage log.</summary>
    public IRunObserver ObserverFor(RunRecord run)
    {
        var tracking = Tracking?.Invoke(run) ?? NullRunObserver.Instance;
        return LogDirectory is null ? tracking : new CompositeRunObserver(tracking, new StageLogWriter(LogDirectory, runId: run.Id));
    }

    /// <summary>Writes a line to the worker's log.</summary>
    public void Log(string message) => _log(message);

    /// <summary>Stops taking jobs, cancels the running ones (they are re-queued) and waits for them to hand back.</summary>
    public void Dispose() => _server.Dispose();

    private sealed class Activator(ClusterWorker worker) : JobActivator
    {
        public override object ActivateJob(Type jobType) =>
            jobType == typeof(StageJob) ? new StageJob(worker) : base.ActivateJob(jobType);
    }
}
