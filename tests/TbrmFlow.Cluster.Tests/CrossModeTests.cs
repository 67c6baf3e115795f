using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using static TbrmFlow.Cluster.Tests.ClusterTestSupport;

namespace TbrmFlow.Cluster.Tests;

/// <summary>
/// The two schedulers share their progress rules (RunProgress): the same workflow run in-process and on the
/// cluster (a real worker process against PostgreSQL) leaves the same records, stage for stage and attempt for
/// attempt: statuses, instance keys, iterations, attempt counts and the reasons of what did not run.
/// </summary>
public sealed class CrossModeTests : IDisposable
{
    // Every progress rule once: a matrix and a join on it, an `if` that is false and its dependent, a stage that
    // fails after its retries and a chain behind it, a repeat with a sub-stage.
    private const string Workflow = """
        name: crossmode
        stages:
          probe:
            uses: cluster.probe
            matrix:
              seed: [1, 2]
            with: { steps: 2, step_ms: 10, seed: "${{ matrix.seed }}" }
          join:
            uses: cluster.probe
            with: { steps: 1, step_ms: 10, seed: "${{ stages.probe.outputs.total[0] + stages.probe.outputs.total[1] }}" }
          off:
            uses: cluster.probe
            if: "${{ 1 > 2 }}"
          after_off:
            uses: cluster.probe
            needs: [off]
            with: { steps: 1, step_ms: 10 }
          bad:
            uses: cluster.probe
            retry: { attempts: 2, backoff: 10ms }
            with: { steps: -1 }
          after_bad:
            uses: cluster.probe
            needs: [bad]
          after_after_bad:
            uses: cluster.probe
            needs: [after_bad]
          loop:
            repeat: 2
            stages:
              step: { uses: cluster.probe, with: { steps: 1, step_ms: 10 } }
        """;

    private readonly string _home = Directory.CreateTempSubdirectory("tbrmflow-crossmode").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [PostgresFact]
    public async Task SameWorkflow_InProcessAndOnTheCluster_LeavesTheSameRecords()
    {
        using var db = new TestDatabase();
        var file = Path.Combine(_home, "crossmode.yaml");
        File.WriteAllText(file, Workflow);
        using var worker = new TbrmflowProcess(_home, ["worker", "--cluster", db.ConnectionString, "--home", Path.Combine(_home, "shared"), "--slots", "2", "--lease", "30", "--name", "w"]);
        using var local = new TbrmflowProcess(_home, ["run", file, "--json", "--home", Path.Combine(_home, "local")]);
        await worker.WaitForOutputAsync("worker w:", Long);
        Assert.Equal(1, await local.WaitForExitAsync(Long)); // a stage failed: exit 1
        var localId = JsonNode.Parse(local.Stdout)!["run_id"]!.GetValue<string>();

        using var submit = new TbrmflowProcess(_home, ["run", file, "--cluster", db.ConnectionString, "--json"]);
        Assert.Equal(0, await submit.WaitForExitAsync(Long));
        var clusterId = JsonNode.Parse(submit.Stdout)!["run_id"]!.GetValue<string>();
        using var cluster = db.Connect();
        var clusterRun = await WaitAsync(() => cluster.Store.GetRun(clusterId) is { } r && !Lifecycle.IsLive(r.Status) ? r : null,
            () => $"the cluster run did not end\n{worker.Output}");

        using var store = new RunStore(Path.Combine(_home, "local", "runs.db"));
        var localRun = store.GetRun(localId)!;
        Assert.Equal(RunStatus.Failed, localRun.Status);
        Assert.StartsWith("bad: ", localRun.Error);
        Assert.Equal((localRun.Status, localRun.Error), (clusterRun.Status, clusterRun.Error));

        var expected = Stages(store.GetStages(localId));
        var actual = Stages(cluster.Store.GetStages(clusterId));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (id, record) in expected)
        {
            Assert.True(record == actual[id], $"{id}: in-process {record}, cluster {actual[id]}");
        }
        Assert.Equal(Attempts(store.GetAttempts(localId)), Attempts(cluster.Store.GetAttempts(clusterId)));

        // Workers write each stage's log where the CLI writes it in process (HOME/logs on the shared directory), with the
        // same lines: every instance that ran has one.
        foreach (var id in expected.Where(e => e.Value.Attempts > 0).Select(e => e.Key))
        {
            var localLog = LogText(Path.Combine(_home, "local", "logs"), localId, id);
            Assert.NotEmpty(localLog);
            Assert.Equal(localLog, LogText(Path.Combine(_home, "shared", "logs"), clusterId, id));
        }

        // The cases the rules decide, as both stores hold them.
        Assert.Equal((StageStatus.Skipped, "condition 'if' is false"), (expected["off"].Status, expected["off"].Error));
        Assert.Equal((StageStatus.Skipped, "dependency 'off' skipped"), (expected["after_off"].Status, expected["after_off"].Error));
        Assert.Equal((StageStatus.Failed, 2), (expected["bad"].Status, expected["bad"].Attempts));
        Assert.Equal((StageStatus.Skipped, "dependency 'after_bad' skipped"), (expected["after_after_bad"].Status, expected["after_after_bad"].Error));
        Assert.Equal(StageStatus.Succeeded, expected["loop[iter=1].step"].Status);
        Assert.Equal(StageStatus.Succeeded, expected["join"].Status);
    }

    private sealed record Stage(string StageId, int? Iteration, string Activity, StageStatus Status, int Attempts, string? Error, string? Outputs);

    private static Dictionary<string, Stage> Stages(IEnumerable<StageRecord> records) => records.ToDictionary(
        s => s.InstanceId,
        s => new Stage(s.StageId, s.Iteration, s.Activity, s.Status, s.Attempts, s.Error, s.OutputsJson));

    private static List<string> LogText(string logs, string runId, string instanceId) =>
        [.. StageLogFile.Read(logs, runId, instanceId).Select(l => l.Text)];

    private static List<(string, int, StageStatus)> Attempts(IEnumerable<AttemptRecord> attempts) =>
        [.. attempts.Select(a => (a.InstanceId, a.Number, a.Status)).Order()];
}
