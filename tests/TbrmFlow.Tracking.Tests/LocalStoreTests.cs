using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Tests;

public sealed class LocalStoreTests
{
    private static (TempDir Dir, FileStoreLayoutReader Reader, string Exp, string Parent, Dictionary<string, string> Children) Record()
    {
        var dir = new TempDir();
        var workflow = dir.File("wf/compare.yaml", "name: compare-algos\n");
        dir.File("report/summary.json", "{\"avg@1\": 0.59}");
        var store = Path.Combine(dir.Path, "mlruns");
        var observer = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = store, ChartMetric = "train/reward_mean" });
        WorkflowEvents.Play(observer, workflow, Path.Combine(dir.Path, "report"));
        var reader = new FileStoreLayoutReader(store);
        var exp = reader.ExperimentIdByName("arithmetic");
        var runs = reader.RunIds(exp).ToList();
        var parent = runs.Single(r => !reader.Tags(exp, r).ContainsKey("mlflow.parentRunId"));
        var children = runs.Where(r => r != parent).ToDictionary(r => reader.Tags(exp, r)["tbrmflow.stage"]);
        return (dir, reader, exp, parent, children);
    }

    [Fact]
    public void Store_HasDefaultAndNamedExperiment_InMlflowLayout()
    {
        var (dir, reader, exp, _, _) = Record();
        using var _d = dir;
        Assert.Equal("Default", reader.ExperimentMeta("0")["name"]);
        var meta = reader.ExperimentMeta(exp);
        Assert.Equal(exp, meta["experiment_id"]);
        Assert.Equal("active", meta["lifecycle_stage"]);
        Assert.Equal(new Uri(Path.Combine(dir.Path, "mlruns", exp)).AbsoluteUri, meta["artifact_location"]);
        Assert.True(long.Parse(meta["creation_time"], System.Globalization.CultureInfo.InvariantCulture) > 1_700_000_000_000);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "mlruns", ".trash")));
    }

    [Fact]
    public void RunMeta_HasMlflowFields_StatusAsNumber()
    {
        var (dir, reader, exp, parent, children) = Record();
        using var _d = dir;
        var meta = reader.RunMeta(exp, parent);
        Assert.Equal(parent, meta["run_uuid"]);
        Assert.Equal(parent, meta["run_id"]);
        Assert.Matches("^[0-9a-f]{32}$", parent);
        Assert.Equal(exp, meta["experiment_id"]);
        Assert.Equal("3", meta["status"]);
        Assert.Equal("active", meta["lifecycle_stage"]);
        Assert.Equal("compare-algos-abc123", meta["run_name"]);
        Assert.Equal(Environment.UserName, meta["user_id"]);
        Assert.Equal(new Uri(Path.Combine(dir.Path, "mlruns", exp, parent, "artifacts")).AbsoluteUri, meta["artifact_uri"]);
        Assert.True(long.Parse(meta["end_time"], System.Globalization.CultureInfo.InvariantCulture) >= long.Parse(meta["start_time"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, children.Count);
        Assert.All(children.Values, c => Assert.Equal("3", reader.RunMeta(exp, c)["status"]));
    }

    [Fact]
    public void Parent_HasWorkflowParamsAndTags_ChildrenNestUnderIt()
    {
        var (dir, reader, exp, parent, children) = Record();
        using var _d = dir;
        var p = reader.Params(exp, parent);
        Assert.Equal("3", p["seed"]);
        Assert.Equal("0.05", p["beta"]);
        Assert.Equal("2", p["model.layers"]);
        var tags = reader.Tags(exp, parent);
        Assert.Equal("compare-algos-abc123", tags["mlflow.runName"]);
        Assert.Equal("LOCAL", tags["mlflow.source.type"]);
        Assert.EndsWith("compare.yaml", tags["mlflow.source.name"]);
        Assert.Equal("TBRM against GRPO", tags["mlflow.note.content"]);
        Assert.Equal("20261126-120000-abc123", tags["tbrmflow.run_id"]);
        Assert.All(children.Values, c => Assert.Equal(parent, reader.Tags(exp, c)["mlflow.parentRunId"]));
        Assert.Equal("rl.tbrm", reader.Tags(exp, children["tbrm"])["tbrmflow.activity"]);
    }

    [Fact]
    public void StageParams_AreFlattened_ArtifactsAsHash()
    {
        var (dir, reader, exp, _, children) = Record();
        using var _d = dir;
        var p = reader.Params(exp, children["tbrm"]);
        Assert.Equal("sha256:abc", p["prompts"]);
        Assert.Equal("0.0003", p["optimizer.lr"]);
        Assert.Equal("[0.9,0.95]", p["optimizer.betas"]);
        Assert.Equal("cpu", p["device"]);
    }

    [Fact]
    public void Metrics_AreLines_WithStepAndTimestamp_SlashKeysAsFolders()
    {
        var (dir, reader, exp, parent, children) = Record();
        using var _d = dir;
        Assert.True(File.Exists(Path.Combine(dir.Path, "mlruns", exp, children["tbrm"], "metrics", "train", "reward_mean")));
        var metrics = reader.Metrics(exp, children["tbrm"]);
        Assert.Equal([1L, 2L, 3L], metrics["train/reward_mean"].Select(m => m.Step));
        Assert.Equal(0.30000000000000004, metrics["train/reward_mean"][2].Value);
        Assert.True(double.IsNaN(metrics["train/loss"][1].Value));
        Assert.All(metrics["train/loss"], m => Assert.True(m.Timestamp > 1_700_000_000_000));
        // '@' is not allowed in MLflow keys; eval metrics also land on the parent with the stage as suffix.
        Assert.Equal(0.59, reader.Metrics(exp, children["evaluate[policy=tbrm]"])["eval/test/avg_1"].Single().Value);
        Assert.Equal(0.59, reader.Metrics(exp, parent)["eval/test/avg_1/evaluate.policy-tbrm"].Single().Value);
    }

    [Fact]
    public void Artifacts_HoldWorkflowManifestEvalReportAndChart()
    {
        var (dir, reader, exp, parent, children) = Record();
        using var _d = dir;
        Assert.Equal("name: compare-algos\n", File.ReadAllText(reader.ArtifactPath(exp, parent, "workflow/compare.yaml")));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(reader.ArtifactPath(exp, parent, "manifest.json")))!;
        Assert.Equal("sha256:abc", manifest["data"]!["tbrm.prompts"]!["hash"]!.GetValue<string>());
        Assert.Equal("cpu", manifest["devices"]!["tbrm"]!.GetValue<string>());
        Assert.Equal(3, manifest["seeds"]!["data.seed"]!.GetValue<int>());
        Assert.NotNull(manifest["versions"]!["TbrmFlow.Tracking"]);
        Assert.Equal("{\"avg@1\": 0.59}", File.ReadAllText(reader.ArtifactPath(exp, children["evaluate[policy=tbrm]"], "eval/report/summary.json")));
        var png = File.ReadAllBytes(reader.ArtifactPath(exp, parent, "charts/train_reward_mean.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public void Params_AreImmutable_LikeMlflow()
    {
        using var dir = new TempDir();
        var store = new MlflowFileStore(dir.Path);
        var run = store.CreateRun("0", "r", "u", 1, new Dictionary<string, string>());
        run.LogParam("lr", "0.1");
        run.LogParam("lr", "0.1");
        Assert.Throws<InvalidOperationException>(() => run.LogParam("lr", "0.2"));
        Assert.Equal("0.1", new FileStoreLayoutReader(dir.Path).Params("0", run.RunId)["lr"]);
    }

    [Fact]
    public void GetOrCreateExperiment_ReusesByName()
    {
        using var dir = new TempDir();
        var store = new MlflowFileStore(dir.Path);
        var a = store.GetOrCreateExperiment("x");
        Assert.Equal(a, new MlflowFileStore(dir.Path).GetOrCreateExperiment("x"));
        Assert.NotEqual(a, store.GetOrCreateExperiment("y"));
        Assert.Equal("0", store.GetOrCreateExperiment("Default"));
    }
}
