using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Tests.TestDoubles;
using static TbrmFlow.Cluster.Tests.ClusterTestSupport;

namespace TbrmFlow.Cluster.Tests;

/// <summary>
/// A cluster run lands in MLflow as the same run in-process does: two real worker processes and a real
/// submitter (`run --cluster --tracking-uri DIR`) against PostgreSQL, compared with `run` in-process.
/// </summary>
public sealed class ClusterTrackingTests : IDisposable
{

    // Two probes in parallel (one per worker), a join on their totals, a stage that fails (bad input) and its dependent (skipped).
    private const string Workflow = """
        name: tracked
        experiment: cluster-tracking
        description: Two probes, a join and a failing stage.
        params:
          steps: { type: int, default: 3 }
        stages:
          probe:
            uses: cluster.probe
            matrix:
              seed: [1, 2]
            with: { steps: "${{ params.steps }}", step_ms: 200, seed: "${{ matrix.seed }}" }
          join:
            uses: cluster.probe
            with: { steps: 2, step_ms: 10, seed: "${{ stages.probe.outputs.total[0] + stages.probe.outputs.total[1] }}" }
          bad:
            uses: cluster.probe
            with: { steps: -1 }
          after_bad:
            uses: cluster.probe
            needs: [bad]
        """;

    private readonly string _home = Directory.CreateTempSubdirectory("tbrmflow-cluster-mlflow").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [PostgresFact]
    public async Task ClusterRun_RecordsOneParentAndANestedRunPerStage_AsAnInProcessRunDoes()
    {
        using var db = new TestDatabase();
        var file = Path.Combine(_home, "tracked.yaml");
        File.WriteAllText(file, Workflow);
        var shared = Path.Combine(_home, "shared");
        var clusterStore = Path.Combine(shared, "mlruns");
        var localStore = Path.Combine(_home, "local-mlruns");

        string[] worker = ["worker", "--cluster", db.ConnectionString, "--home", shared, "--slots", "2", "--lease", "30"];
        using var a = new TbrmflowProcess(_home, [.. worker, "--name", "worker_a"]);
        using var b = new TbrmflowProcess(_home, [.. worker, "--name", "worker_b"]);
        // The in-process reference runs while the workers start.
        using var local = new TbrmflowProcess(_home, ["run", file, "--json", "--home", Path.Combine(_home, "local"), "--tracking-uri", localStore]);
        await Task.WhenAll(a.WaitForOutputAsync("worker worker_a:", Long), b.WaitForOutputAsync("worker worker_b:", Long));
        Assert.Equal(1, await local.WaitForExitAsync(Long)); // the run fails: stage 'bad'

        // Submitted without --wait, to a server with the local store on the shared directory: the worker whose
        // advance closes the run finishes the parent MLflow run; every process replicates what it wrote.
        using var server = new MlflowServerTestDouble();
        using var submit = new TbrmflowProcess(_home, ["run", file, "--cluster", db.ConnectionString, "--tracking-uri", server.Uri.AbsoluteUri, "--mlruns", clusterStore, "--json"]);
        Assert.Equal(0, await submit.WaitForExitAsync(Long));
        var runId = JsonNode.Parse(submit.Stdout)!["run_id"]!.GetValue<string>();
        using var cluster = db.Connect();
        var stored = await WaitAsync(() => cluster.Store.GetRun(runId) is { Status: not RunStatus.Running } r ? r : null, () => $"the run did not end\n{a.Output}\n{b.Output}");
        Assert.Equal("failed", Lifecycle.Name(stored.Status));
        var tracking = ClusterTracking.Options(stored.Tracking);
        Assert.Equal((clusterStore, server.Uri.AbsoluteUri), (tracking?.ResolveLocalStore(), tracking?.ResolveRemote()));

        var runs = await WaitAsync(() => Runs(clusterStore, runId) is var r && r.Parent.Status != MlflowRunStatus.Running ? r : null,
            () => $"the parent run was not finished\n{a.Output}\n{b.Output}");
        var (parent, stages) = (runs.Parent, runs.Stages);
        var (localParent, localStages) = Runs(localStore, JsonNode.Parse(local.Stdout)!["run_id"]!.GetValue<string>());

        // One parent, finished with the run's status; one nested run per stage instance under it.
        Assert.Equal(MlflowRunStatus.Failed, parent.Status);
        Assert.Equal(["after_bad", "bad", "join", "probe[seed=1]", "probe[seed=2]"], stages.Keys.Order(StringComparer.Ordinal));
        Assert.All(stages.Values, s => Assert.Equal(parent.RunId, s.Tags[MlflowTags.ParentRunId]));
        Assert.All(stages.Values, s => Assert.Equal(runId, s.Tags[MlflowTags.RunId]));
        Assert.Equal(MlflowRunStatus.Failed, stages["bad"].Status);
        Assert.Equal("failed", stages["bad"].Tags["tbrmflow.stage_status"]);
        Assert.Equal("skipped", stages["after_bad"].Tags["tbrmflow.stage_status"]);
        Assert.Equal("dependency 'bad' failed", stages["after_bad"].Tags["tbrmflow.error"]);
        Assert.All(stages.Where(s => s.Key is not ("bad" or "after_bad")), s => Assert.Equal((MlflowRunStatus.Finished, "succeeded"), (s.Value.Status, s.Value.Tags["tbrmflow.stage_status"])));
        // Both workers ran stages (so the nested runs come from two processes).
        var workers = cluster.Store.GetAttempts(runId).Select(x => x.Worker).Distinct().ToList();
        Assert.Equal(2, workers.Count);

        // Metrics: seed 1 over 3 steps counts 1, 1+2, 1+2+3 -> 1, 3, 6; seed 2 -> 2, 5, 9; the join
        // (seed 6 + 9 = 15, 2 steps) -> 15, 31. eval/ metrics are mirrored on the parent with the stage as suffix.
        Assert.Equal([(1L, 1.0), (2L, 3.0), (3L, 6.0)], stages["probe[seed=1]"].Metrics["probe/total"].Select(p => (p.Step, p.Value)));
        Assert.Equal([(1L, 2.0), (2L, 5.0), (3L, 9.0)], stages["probe[seed=2]"].Metrics["probe/total"].Select(p => (p.Step, p.Value)));
        Assert.Equal([(2L, 31.0)], stages["join"].Metrics["eval/probe/total"].Select(p => (p.Step, p.Value)));
        Assert.Equal(
            [("eval/probe/total/join", 31.0), ("eval/probe/total/probe.seed-1", 6.0), ("eval/probe/total/probe.seed-2", 9.0)],
            parent.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, Assert.Single(m.Value).Value)));

        // The same records as the in-process run: params, metric values and steps, statuses, manifest plan.
        Assert.Equal(Sorted(localParent.Params), Sorted(parent.Params));
        Assert.Equal(Values(localParent), Values(parent));
        Assert.Equal(localStages.Keys.Order(StringComparer.Ordinal), stages.Keys.Order(StringComparer.Ordinal));
        foreach (var (stage, run) in stages)
        {
            var expected = localStages[stage];
            Assert.Equal(Sorted(expected.Params), Sorted(run.Params));
            Assert.Equal(Values(expected), Values(run));
            Assert.Equal(expected.Status, run.Status);
            Assert.Equal(expected.Tags.GetValueOrDefault(MlflowTags.Activity), run.Tags.GetValueOrDefault(MlflowTags.Activity));
            Assert.Equal(expected.Tags["tbrmflow.stage_status"], run.Tags["tbrmflow.stage_status"]);
            Assert.Equal(expected.Tags.GetValueOrDefault("tbrmflow.error"), run.Tags.GetValueOrDefault("tbrmflow.error"));
        }
        Assert.Equal(Plan(localStore, localParent), Plan(clusterStore, parent));
        Assert.True(File.Exists(Path.Combine(clusterStore, parent.ExperimentId, parent.RunId, "artifacts", "workflow", "tracked.yaml")));

        // The server got the same runs, written by three processes: one parent, every nested run under the
        // parent's remote id, every value once, the parent's final status.
        var lines = Values(parent).Count + stages.Values.Sum(s => Values(s).Count);
        var remote = await WaitAsync(() => Remote(server, runId) is { } r && r.Count == 6 && r.Sum(x => x.Metrics.Count) == lines && r.Any(x => x.Status == "FAILED" && !x.Tags.ContainsKey(MlflowTags.ParentRunId)) ? r : null,
            () => $"the server did not get the run\n{a.Output}\n{b.Output}");
        var remoteParent = Assert.Single(remote, r => !r.Tags.ContainsKey(MlflowTags.ParentRunId));
        Assert.All(remote.Where(r => r != remoteParent), r => Assert.Equal(remoteParent.RunId, r.Tags[MlflowTags.ParentRunId]));
        Assert.Equal(stages.Keys.Order(StringComparer.Ordinal), remote.Where(r => r != remoteParent).Select(r => r.Tags[MlflowTags.Stage]).Order(StringComparer.Ordinal));
        Assert.Equal([31.0], remoteParent.Metrics.Where(m => m.Key == "eval/probe/total/join").Select(m => m.Value));
    }

    /// <summary>The server's runs of the workflow run (a copy: the server's handlers change them concurrently).</summary>
    private static List<MlflowServerTestDouble.RunRecord>? Remote(MlflowServerTestDouble server, string runId)
    {
        try
        {
            return [.. server.Runs.Values.ToList().Where(r => r.Tags.GetValueOrDefault(MlflowTags.RunId) == runId)];
        }
        catch (InvalidOperationException)
        {
            return null; // changed while read: try again
        }
    }

    private sealed record Recorded(StoredRun Parent, Dictionary<string, StoredRun> Stages)
    {
        public void Deconstruct(out StoredRun parent, out Dictionary<string, StoredRun> stages) => (parent, stages) = (Parent, Stages);
    }

    private static Recorded Runs(string store, string runId)
    {
        var runs = new MlflowFileStore(store).RunDirectories().Select(LocalRunReader.Read)
            .Where(r => r.Tags.GetValueOrDefault(MlflowTags.RunId) == runId).ToList();
        var parent = Assert.Single(runs, r => !r.Tags.ContainsKey(MlflowTags.ParentRunId));
        return new(parent, runs.Where(r => r != parent).ToDictionary(r => r.Tags[MlflowTags.Stage], StringComparer.Ordinal));
    }

    private static List<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string> values) =>
        [.. values.OrderBy(kv => kv.Key, StringComparer.Ordinal)];

    /// <summary>Metric keys, steps and values; <c>perf/</c> metrics (wall times) by key and step only.</summary>
    private static List<(string, long, double)> Values(StoredRun run) =>
        [.. run.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
            .SelectMany(m => m.Value.Select(p => (m.Key, p.Step, m.Key.StartsWith("perf/", StringComparison.Ordinal) ? 0 : p.Value)))];

    private static string Plan(string store, StoredRun parent) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(store, parent.ExperimentId, parent.RunId, "artifacts", "manifest.json")))!["plan"]!.ToJsonString();
}
