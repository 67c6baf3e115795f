using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TbrmFlow.Cluster;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Pipeline;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Bench;

/// <summary>
/// The queued executor beside the in-process one, in one run: enqueue-to-start latency of a stage
/// (submit -> its attempt starts) and per-stage overhead of chained and independent no-op stages.
/// Needs TBRMFLOW_TEST_POSTGRES (e.g. from <c>. .ci/postgres.sh</c>); a fresh database is created and
/// dropped. The worker runs in this process (2 slots), so both executors share the machine.
/// </summary>
public sealed class ClusterBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "cluster";

    /// <inheritdoc />
    public string Description => "queued (Hangfire/PostgreSQL) vs in-process executor: enqueue-to-start latency and per-stage overhead, ms";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var admin = Environment.GetEnvironmentVariable("TBRMFLOW_TEST_POSTGRES");
        if (string.IsNullOrEmpty(admin))
        {
            Console.WriteLine("cluster: TBRMFLOW_TEST_POSTGRES is not set; nothing started. Run `. .ci/postgres.sh` first (throwaway PostgreSQL).");
            return 0;
        }
        var stages = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 40;
        var home = Path.Combine(Path.GetTempPath(), "tbrmflow-bench-" + Guid.NewGuid().ToString("n")[..8]);
        var database = "tbrmflow_bench_" + Guid.NewGuid().ToString("n")[..8];
        Execute(admin, $"CREATE DATABASE \"{database}\"");
        try
        {
            var services = new ServiceCollection();
            services.AddMediator(o =>
            {
                o.Namespace = "TbrmFlow.Bench.Mediator";
                o.GenerateTypesAsInternal = true;
                o.ServiceLifetime = ServiceLifetime.Singleton;
                o.PipelineBehaviors = [typeof(TimingBehavior<,>)];
            });
            var options = new EngineOptions { HomeDirectory = home, NoCache = true, Parallel = 2 };
            services.AddTbrmFlowEngine(options);
            await using var provider = services.BuildServiceProvider();
            var local = new WorkflowRunner(provider.GetRequiredService<ISender>(), provider.GetRequiredService<TbrmFlow.Abstractions.Descriptors.ActivityCatalog>(), options);

            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
            using var cluster = new ClusterConnection(new ClusterOptions { ConnectionString = connectionString, Lease = TimeSpan.FromSeconds(30) });
            using var worker = new ClusterWorker(cluster, provider.GetRequiredService<StageInstanceRunner>(),
                new WorkerOptions { Slots = 2, Queues = ["default"], ArtifactDirectory = Path.Combine(home, "artifacts"), Name = "bench" }, _ => { });
            var queued = new ClusterRunner(cluster) { PollInterval = TimeSpan.FromMilliseconds(5) };

            // Warm both paths (JIT, EF models, Hangfire's first fetch).
            await RunLocal(local, Workflow(5, chained: false));
            await RunQueued(queued, cluster, Workflow(5, chained: false));

            var localStart = new List<double>();
            var queuedStart = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                localStart.Add(await StartLatencyLocal(local, home));
                queuedStart.Add(await StartLatencyQueued(queued, cluster));
            }
            var localChain = await RunLocal(local, Workflow(stages, chained: true)) / stages;
            var queuedChain = await RunQueued(queued, cluster, Workflow(stages, chained: true)) / stages;
            var localFlat = await RunLocal(local, Workflow(stages, chained: false)) / stages;
            var queuedFlat = await RunQueued(queued, cluster, Workflow(stages, chained: false)) / stages;

            Console.WriteLine($"enqueue-to-start (median of 10 one-stage runs): in-process {Median(localStart):F1} ms, queued {Median(queuedStart):F1} ms ({Median(queuedStart) / Median(localStart):F1}x)");
            Console.WriteLine($"per stage, {stages} chained no-op stages:   in-process {localChain:F1} ms, queued {queuedChain:F1} ms ({queuedChain / localChain:F1}x)");
            Console.WriteLine($"per stage, {stages} independent no-op stages (2 slots): in-process {localFlat:F1} ms, queued {queuedFlat:F1} ms ({queuedFlat / localFlat:F1}x)");
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Execute(admin, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private static async Task<double> RunLocal(WorkflowRunner runner, WorkflowDefinition workflow)
    {
        var clock = Stopwatch.StartNew();
        var result = await runner.RunAsync(workflow, new Dictionary<string, JsonNode?>(), new NullRunObserver(), CancellationToken.None);
        Check(result);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> RunQueued(ClusterRunner runner, ClusterConnection cluster, WorkflowDefinition workflow)
    {
        var clock = Stopwatch.StartNew();
        var result = await runner.RunAsync(workflow, new Dictionary<string, JsonNode?>(), new NullRunObserver(), CancellationToken.None);
        Check(result);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> StartLatencyLocal(WorkflowRunner runner, string home)
    {
        var submitted = DateTime.UtcNow;
        var result = await runner.RunAsync(Workflow(1, chained: false), new Dictionary<string, JsonNode?>(), new NullRunObserver(), CancellationToken.None);
        Check(result);
        using var store = new RunStore(Path.Combine(home, "runs.db"));
        return (store.GetAttempts(result.RunId).Single().StartedAt - submitted).TotalMilliseconds;
    }

    private static async Task<double> StartLatencyQueued(ClusterRunner runner, ClusterConnection cluster)
    {
        var submitted = DateTime.UtcNow;
        var result = await runner.RunAsync(Workflow(1, chained: false), new Dictionary<string, JsonNode?>(), new NullRunObserver(), CancellationToken.None);
        Check(result);
        return (cluster.Store.GetAttempts(result.RunId).Single().StartedAt - submitted).TotalMilliseconds;
    }

    private static void Check(RunResult result)
    {
        if (result.Status != RunStatus.Succeeded)
        {
            throw new InvalidOperationException($"bench run {result.RunId} {result.Status}");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static WorkflowDefinition Workflow(int count, bool chained)
    {
        var sb = new StringBuilder($"name: bench-{(chained ? "chain" : "flat")}-{count}\nstages:\n");
        for (var i = 0; i < count; i++)
        {
            var value = chained && i > 0 ? $"\"${{{{ stages.s{i - 1}.outputs.value + 1 }}}}\"" : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sb.Append($"  s{i}: {{ uses: bench.noop, with: {{ value: {value} }} }}\n");
        }
        var yaml = sb.ToString();
        return WorkflowParser.Parse(yaml, "bench.yaml") with { SourceText = yaml };
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
