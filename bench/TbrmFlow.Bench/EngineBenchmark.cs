using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Pipeline;
using TbrmFlow.Engine.Running;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Bench;

/// <summary>
/// Per-stage engine overhead: 1,000 no-op stages run in-process with the real run store (SQLite),
/// planner, expression evaluation and cache lookups; printed as ms per stage (target: under 2 ms).
/// </summary>
public sealed class EngineBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "engine";

    /// <inheritdoc />
    public string Description => "engine overhead per stage: 1,000 no-op stages (independent and chained), ms/stage";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var stages = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1000;
        var home = Path.Combine(Path.GetTempPath(), "tbrmflow-bench-" + Guid.NewGuid().ToString("n")[..8]);
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
            services.AddTbrmFlowEngine(new EngineOptions { HomeDirectory = home });
            await using var provider = services.BuildServiceProvider();
            var cachedRunner = provider.GetRequiredService<WorkflowRunner>();
            // The same engine with the cache off, so every stage really dispatches its activity.
            var runner = new WorkflowRunner(provider.GetRequiredService<ISender>(), provider.GetRequiredService<TbrmFlow.Abstractions.Descriptors.ActivityCatalog>(),
                new EngineOptions { HomeDirectory = home, NoCache = true });

            await Measure(runner, "warm-up", Workflow(50, chained: false), 50, print: false);
            var independent = await Measure(runner, "independent, no cache", Workflow(stages, chained: false), stages, print: true);
            var chained = await Measure(runner, "chained, no cache", Workflow(stages, chained: true), stages, print: true);
            await Measure(cachedRunner, "fill the cache", Workflow(stages, chained: false), stages, print: false);
            var cached = await Measure(cachedRunner, "independent, all cached", Workflow(stages, chained: false), stages, print: true);

            var sender = provider.GetRequiredService<ISender>();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < stages; i++)
            {
                using (TbrmFlow.Abstractions.ActivityContextAccessor.Enter(new NullContext()))
                {
                    await sender.Send(new NoOpRequest { Value = i });
                }
            }
            var direct = clock.Elapsed.TotalMilliseconds / stages;
            Console.WriteLine($"mediator send alone:        {direct:F3} ms per call");
            Console.WriteLine($"engine overhead per stage:  independent {independent:F2} ms, chained {chained:F2} ms, cached {cached:F2} ms (target < 2 ms)");
            return 0;
        }
        finally
        {
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

    private static async Task<double> Measure(WorkflowRunner runner, string label, string yaml, int count, bool print)
    {
        var workflow = WorkflowParser.Parse(yaml, "bench.yaml");
        var clock = Stopwatch.StartNew();
        var result = await runner.RunAsync(workflow, new Dictionary<string, JsonNode?>(), new NullRunObserver(), CancellationToken.None);
        var perStage = clock.Elapsed.TotalMilliseconds / count;
        if (result.Status != RunStatus.Succeeded || result.Stages.Count != count)
        {
            throw new InvalidOperationException($"{label}: run {result.Status} with {result.Stages.Count} stages");
        }
        if (print)
        {
            Console.WriteLine($"{label,-26}  {count} stages in {clock.Elapsed.TotalSeconds:F2} s = {perStage:F2} ms per stage ({result.Stages.Values.Count(s => s.Status == StageStatus.Cached)} cached)");
        }
        return perStage;
    }

    private static string Workflow(int count, bool chained)
    {
        var sb = new StringBuilder($"name: bench-{(chained ? "chain" : "flat")}-{count}\nstages:\n");
        for (var i = 0; i < count; i++)
        {
            var value = chained && i > 0 ? $"\"${{{{ stages.s{i - 1}.outputs.value + 1 }}}}\"" : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sb.Append($"  s{i}: {{ uses: bench.noop, with: {{ value: {value} }} }}\n");
        }
        return sb.ToString();
    }

    private sealed class NullContext : TbrmFlow.Abstractions.IActivityContext
    {
        public string RunId => "bench";
        public string StageId => "bench";
        public int Attempt => 1;
        public string StateDirectory => Path.GetTempPath();
        public TbrmFlow.Abstractions.IArtifactStore Artifacts => throw new NotSupportedException();
        public void ReportProgress(long done, long total, string? message = null) { }
        public void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics) { }
        public void Log(string message) { }
    }
}
