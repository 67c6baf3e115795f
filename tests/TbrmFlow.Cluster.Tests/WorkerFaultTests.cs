using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using static TbrmFlow.Cluster.Tests.ClusterTestSupport;

namespace TbrmFlow.Cluster.Tests;

/// <summary>
/// Two real worker processes against PostgreSQL run workflows/cluster-probe.yaml (four parallel
/// probes, then a join); one worker is killed with SIGKILL while it runs a stage.
/// </summary>
public sealed class WorkerFaultTests
{
    [PostgresFact]
    public async Task KilledWorker_StageMovesToTheOtherWorker_ResumesFromItsCheckpoint_AndTheRunMatchesAnInProcessRun()
    {
        using var db = new TestDatabase();
        var home = Directory.CreateTempSubdirectory("tbrmflow-cluster").FullName;
        var workflow = Path.Combine(TbrmflowProcess.RepositoryRoot, "workflows", "cluster-probe.yaml");
        string[] parameters = ["-p", "steps=60", "-p", "step_ms=100"];

        // The reference: the same workflow through the in-process executor.
        using var local = new TbrmflowProcess(home, ["run", workflow, .. parameters, "--json", "--home", Path.Combine(home, "local")]);
        Assert.Equal(0, await local.WaitForExitAsync(Long));
        var expected = Outputs(JsonNode.Parse(local.Stdout)!);

        var shared = Path.Combine(home, "shared");
        string[] worker = ["worker", "--cluster", db.ConnectionString, "--home", shared, "--slots", "2", "--lease", "3"];
        using var a = new TbrmflowProcess(home, [.. worker, "--name", "worker_a"]);
        using var b = new TbrmflowProcess(home, [.. worker, "--name", "worker_b"]);
        await Task.WhenAll(a.WaitForOutputAsync("worker worker_a:", Long), b.WaitForOutputAsync("worker worker_b:", Long));

        // Connected (and EF warmed) before submitting, so the watch below starts with the stages.
        using var cluster = db.Connect();
        _ = cluster.Store.GetAttempts("");
        using var submit = new TbrmflowProcess(home, ["run", workflow, .. parameters, "--cluster", db.ConnectionString, "--json"]);
        Assert.Equal(0, await submit.WaitForExitAsync(Long));
        var runId = JsonNode.Parse(submit.Stdout)!["run_id"]!.GetValue<string>();

        // Kill worker A once one of its stages has checkpointed a few steps.
        var victim = await WaitAsync(() =>
        {
            var running = cluster.Store.GetAttempts(runId).FirstOrDefault(x => x.Worker == "worker_a" && x.Status == StageStatus.Running);
            return running is not null && ProbeStep(shared, runId, running.InstanceId) >= 5 ? running.InstanceId : null;
        }, () => $"worker A never ran a stage past step 5\nworker A:\n{a.Output}\nworker B:\n{b.Output}");
        a.Kill();
        var stepAtKill = ProbeStep(shared, runId, victim);

        var run = await WaitAsync(() => cluster.Store.GetRun(runId) is { Status: not RunStatus.Running } r ? r : null, () => $"the run did not end\nworker B:\n{b.Output}");
        Assert.True(run.Status == RunStatus.Succeeded, $"run {run.Status}: {run.Error}\nworker B:\n{b.Output}");

        var stages = cluster.Store.GetStages(runId);
        var actual = stages.ToDictionary(s => s.InstanceId, s => JsonNode.Parse(s.OutputsJson!)!.ToJsonString());
        Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));

        var attempts = cluster.Store.GetAttempts(runId);
        // Both workers took work.
        Assert.Contains(attempts, x => x.Worker == "worker_a");
        Assert.Contains(attempts, x => x.Worker == "worker_b");
        // No stage lost or run twice to completion: exactly one succeeded attempt per instance.
        Assert.All(expected.Keys, id => Assert.Single(attempts, x => x.InstanceId == id && x.Status == StageStatus.Succeeded));
        Assert.Equal(expected.Count, attempts.Count(x => x.Status == StageStatus.Succeeded));
        // The killed stage: its first attempt is recorded as lost, a new attempt on worker B finished it.
        var victimAttempts = attempts.Where(x => x.InstanceId == victim).OrderBy(x => x.Number).ToList();
        Assert.Equal(("failed", "worker_a"), (Lifecycle.Name(victimAttempts[0].Status), victimAttempts[0].Worker));
        Assert.StartsWith("worker lost: worker_a", victimAttempts[0].Error);
        Assert.Equal(("succeeded", "worker_b"), (Lifecycle.Name(victimAttempts[^1].Status), victimAttempts[^1].Worker));
        Assert.Equal(victimAttempts.Count, stages.Single(s => s.InstanceId == victim).Attempts);
        // ... and resumed from the checkpoint it had reached, not from step 0.
        var starts = File.ReadAllLines(Path.Combine(StateDirectory(shared, runId, victim), "probe.log"));
        Assert.Equal(2, starts.Length);
        var resumedAt = int.Parse(starts[1].Split(' ')[5], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAt, stepAtKill, 59);

        // MLflow (submitted without --tracking-uri: ./mlruns of the submitter, which the workers share here): the
        // killed stage continued its nested run on worker B, so there is still one nested run per instance.
        var mlruns = new Tracking.Local.MlflowFileStore(Path.Combine(home, "mlruns")).RunDirectories().Select(Tracking.Local.LocalRunReader.Read)
            .Where(r => r.Tags.GetValueOrDefault(Tracking.MlflowTags.RunId) == runId).ToList();
        var parent = Assert.Single(mlruns, r => !r.Tags.ContainsKey(Tracking.MlflowTags.ParentRunId));
        var nested = mlruns.Where(r => r != parent).ToDictionary(r => r.Tags[Tracking.MlflowTags.Stage]);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), nested.Keys.Order(StringComparer.Ordinal));
        Assert.All(nested.Values, r => Assert.Equal((parent.RunId, Tracking.MlflowRunStatus.Finished), (r.Tags[Tracking.MlflowTags.ParentRunId], r.Status)));
        Assert.Equal(victimAttempts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), nested[victim].Tags["tbrmflow.attempt"]);
        Assert.Equal(60L, nested[victim].Metrics["probe/total"][^1].Step);
        var finished = await WaitAsync(() => Tracking.Local.LocalRunReader.Read(Path.Combine(home, "mlruns", parent.ExperimentId, parent.RunId)) is { Status: Tracking.MlflowRunStatus.Finished } done ? done : null,
            () => "the parent MLflow run was not finished");
        Assert.Equal(expected.Count, finished.Metrics.Keys.Count(k => k.StartsWith("eval/probe/total/", StringComparison.Ordinal)));
    }

    private static Dictionary<string, string> Outputs(JsonNode document) =>
        document["stages"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!["outputs"]!.ToJsonString());
}
