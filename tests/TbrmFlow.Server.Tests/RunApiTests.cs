using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using static TbrmFlow.Server.Tests.TbrmFlowServerFactory;
using static TbrmFlow.Server.Tests.WorkflowApiTests;

namespace TbrmFlow.Server.Tests;

/// <summary><c>/api/runs</c>: real runs of tiny workflows through the engine, the shared run store and the MLflow file store.</summary>
public sealed class RunApiTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>
{
    [Fact]
    public async Task Start_RunsHelloToSucceeded_VisibleInTheCliRunStore_WithMetricsHistory()
    {
        using var client = factory.CreateAuthorizedClient();
        var id = await factory.StartRunAsync(client, "hello", new { seed = "7" });
        var run = await WaitForRunAsync(client, id, Finished);
        Assert.Equal("succeeded", Status(run));
        Assert.Equal(7, (int)run["params"]!["seed"]!);
        var fit = StageOf(run, "fit");
        Assert.Equal(("succeeded", 1, "demo.fit_sum"), ((string)fit["status"]!, (int)fit["attempts"]!, (string)fit["activity"]!));
        Assert.InRange((double)fit["outputs"]!["weight_a"]!, 0.99, 1.01);
        Assert.InRange((double)fit["outputs"]!["weight_b"]!, 0.99, 1.01);

        // The run store the CLI reads (`tbrmflow runs --home ...` opens the same file through RunStore).
        using (var store = new RunStore(factory.StorePath))
        {
            var record = store.GetRun(id)!;
            Assert.Equal(("hello", "succeeded"), (record.Workflow, Engine.Running.Lifecycle.Name(record.Status)));
            Assert.Equal(["data", "fit"], store.GetStages(id).Select(s => s.InstanceId));
        }

        var list = JsonNode.Parse(await client.GetStringAsync(Url("/api/runs?limit=100")))!.AsArray();
        Assert.Contains(list, r => (string?)r!["id"] == id && (string?)r["status"] == "succeeded" && (bool?)r["live"] == false);

        var points = JsonNode.Parse(await client.GetStringAsync(Url($"/api/runs/{id}/metrics?instance=fit&key=train/loss")))!.AsArray();
        // hello fits 1000 steps and reports the loss every 50 steps.
        Assert.Equal(Enumerable.Range(1, 20).Select(i => 50L * i), points.Select(p => (long)p!["step"]!));
        Assert.True((double)points[^1]!["value"]! < (double)points[0]!["value"]! / 100, "the loss falls by 100x");
        Assert.All(points, p => Assert.Equal("fit", (string?)p!["instanceId"]));
    }

    [Fact]
    public async Task ARunMadeTheCliWay_IsListedWithItsStagesAndMetrics()
    {
        // What `tbrmflow run` does: WorkflowRunner over the same home, with the MLflow file-store observer.
        var text = await File.ReadAllTextAsync(Path.Combine(factory.WorkflowsDirectory, "hello.yaml"));
        var workflow = TbrmFlow.Workflows.Validation.WorkflowValidator.Load(text, factory.Services.GetRequiredService<TbrmFlow.Abstractions.Descriptors.ActivityCatalog>()).Workflow!;
        RunResult result;
        await using (var tracker = TbrmFlow.Tracking.TrackingSetup.CreateObserver(new TbrmFlow.Tracking.TrackingOptions { LocalStore = factory.MlrunsDirectory }))
        {
            result = await factory.Services.GetRequiredService<WorkflowRunner>().RunAsync(
                workflow, new Dictionary<string, JsonNode?> { ["seed"] = 13 }, tracker, CancellationToken.None);
        }
        using var client = factory.CreateClient();
        var list = JsonNode.Parse(await client.GetStringAsync(Url("/api/runs?limit=100")))!.AsArray();
        Assert.Contains(list, r => (string?)r!["id"] == result.RunId && (string?)r["status"] == "succeeded" && (bool?)r["live"] == false);
        var run = JsonNode.Parse(await client.GetStringAsync(Url($"/api/runs/{result.RunId}")))!;
        Assert.Equal(13, (int)run["params"]!["seed"]!);
        // The text as it ran: a later edit of the file does not change what the run shows.
        await File.WriteAllTextAsync(Path.Combine(factory.WorkflowsDirectory, "hello.yaml"), text + "\n# edited after the run\n");
        var again = JsonNode.Parse(await client.GetStringAsync(Url($"/api/runs/{result.RunId}")))!;
        Assert.Equal(text, (string?)again["source_text"] ?? (string?)again["sourceText"]);
        Assert.Equal(result.Stages["fit"].Outputs["weight_a"]!.GetValue<double>(), (double)StageOf(run, "fit")["outputs"]!["weight_a"]!);
        var points = JsonNode.Parse(await client.GetStringAsync(Url($"/api/runs/{result.RunId}/metrics?instance=fit&key=train/loss")))!.AsArray();
        Assert.Equal(20, points.Count);
        Assert.Equal(result.Stages["fit"].Metrics["train/loss"], (double)points[^1]!["value"]!, 6);
    }

    [Fact]
    public async Task Start_Errors_Are400Or404WithTheField()
    {
        using var client = factory.CreateAuthorizedClient();
        var unknown = await client.PostAsJsonAsync(Url("/api/runs"), new { workflow = "no-such" });
        await ProblemAsync(unknown, HttpStatusCode.NotFound);

        var badParam = await ProblemAsync(await client.PostAsJsonAsync(Url("/api/runs"), new { workflow = "hello", @params = new { sede = "2" } }), HttpStatusCode.BadRequest);
        Assert.Equal("params.sede", (string?)badParam["field"]);
        Assert.Equal(["seed"], badParam["allowed"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("did you mean 'seed'", (string?)badParam["detail"], StringComparison.Ordinal);

        var noWorkflow = await ProblemAsync(await client.PostAsJsonAsync(Url("/api/runs"), new { @params = new { } }), HttpStatusCode.BadRequest);
        Assert.Equal("workflow", (string?)noWorkflow["field"]);

        var badName = await ProblemAsync(await client.PostAsJsonAsync(Url("/api/runs"), new { workflow = "../hello" }), HttpStatusCode.BadRequest);
        Assert.Equal("workflow", (string?)badName["field"]);

        await ProblemAsync(await client.GetAsync(Url("/api/runs/20990101-000000-abcdef")), HttpStatusCode.NotFound);
        await ProblemAsync(await client.GetAsync(Url("/api/runs/20990101-000000-abcdef/metrics")), HttpStatusCode.NotFound);
        await ProblemAsync(await client.GetAsync(Url("/api/runs/20990101-000000-abcdef/stages/fit/logs")), HttpStatusCode.NotFound);
        await ProblemAsync(await client.PostAsync(Url("/api/runs/20990101-000000-abcdef/cancel"), null), HttpStatusCode.NotFound);
        await ProblemAsync(await client.PostAsync(Url("/api/runs/20990101-000000-abcdef/resume"), null), HttpStatusCode.NotFound);
        Assert.Equal("limit", (string?)(await ProblemAsync(await client.GetAsync(Url("/api/runs?limit=0")), HttpStatusCode.BadRequest))["field"]);
    }

    [Fact]
    public async Task Cancel_StopsARunningRun_ThenResumeRunsItAgain()
    {
        using var client = factory.CreateAuthorizedClient();
        var id = await factory.StartRunAsync(client, "slow", new { seed = 3 });
        await WaitForRunAsync(client, id, r => r["stages"]!.AsArray().Any(s => (string?)s!["instanceId"] == "fit" && s["progress"] is not null));
        Assert.True((bool)JsonNode.Parse(await client.GetStringAsync(Url("/api/runs?limit=100")))!.AsArray().Single(r => (string?)r!["id"] == id)!["live"]!);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(Url($"/api/runs/{id}/cancel"), null)).StatusCode);
        var run = await WaitForRunAsync(client, id, Finished);
        Assert.Equal("cancelled", Status(run));
        Assert.Equal("cancelled", (string)StageOf(run, "fit")["status"]!);
        Assert.Equal("succeeded", (string)StageOf(run, "data")["status"]!);
        Assert.Equal(3, (int)run["params"]!["seed"]!);
        await ProblemAsync(await client.PostAsync(Url($"/api/runs/{id}/cancel"), null), HttpStatusCode.Conflict);

        var resumed = await client.PostAsync(Url($"/api/runs/{id}/resume"), null);
        Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        await WaitForRunAsync(client, id, r => Status(r) == "running" && (int)StageOf(r, "fit")["attempts"]! == 2);
        await ProblemAsync(await client.PostAsync(Url($"/api/runs/{id}/resume"), null), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(Url($"/api/runs/{id}/cancel"), null)).StatusCode);
        run = await WaitForRunAsync(client, id, Finished);
        Assert.Equal("cancelled", Status(run));
        // Resume kept the finished stage: data ran once.
        Assert.Equal(1, (int)StageOf(run, "data")["attempts"]!);
    }

    [Fact]
    public async Task Logs_OfARetriedStage_ServedLive_AndFromTheLogFileAfterARestart()
    {
        string id;
        string root;
        List<string> texts;
        using (var client = factory.CreateAuthorizedClient())
        {
            id = await factory.StartRunAsync(client, "flaky", null);
            var run = await WaitForRunAsync(client, id, Finished);
            Assert.Equal("failed", Status(run));
            Assert.Equal(2, (int)StageOf(run, "load")["attempts"]!);
            var logs = JsonNode.Parse(await client.GetStringAsync(Url($"/api/runs/{id}/stages/load/logs")))!["lines"]!.AsArray();
            // What the CLI prints for the stage: its states, the retry, the final failure; each line with its time.
            texts = [.. logs.Select(l => (string)l!["text"]!)];
            Assert.Equal("running", texts[0]);
            Assert.Contains(texts, t => t.StartsWith("attempt 1 failed", StringComparison.Ordinal));
            Assert.StartsWith("failed", texts[^1], StringComparison.Ordinal);
            Assert.All(logs, l => Assert.InRange((DateTime)l!["time"]!, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1)));
            await ProblemAsync(await client.GetAsync(Url($"/api/runs/{id}/stages/nope/logs")), HttpStatusCode.NotFound);
            root = factory.Root;
        }
        // A second server over the same folders (a restart) reads logs from the log file.
        using var second = new RestartedServerFactory(root);
        using var again = second.CreateClient();
        var lines = JsonNode.Parse(await again.GetStringAsync(Url($"/api/runs/{id}/stages/load/logs")))!["lines"]!.AsArray();
        Assert.Equal(texts, lines.Select(l => (string)l!["text"]!));
    }

    [Fact]
    public async Task Metrics_OfAnOldRun_AreReadBackFromTheMlflowFileStore()
    {
        string id;
        JsonArray live;
        using (var client = factory.CreateAuthorizedClient())
        {
            id = await factory.StartRunAsync(client, "hello", new { seed = "5" });
            await WaitForRunAsync(client, id, Finished);
            live = JsonNode.Parse(await client.GetStringAsync(Url($"/api/runs/{id}/metrics?key=train/loss")))!.AsArray();
        }
        using var second = new RestartedServerFactory(factory.Root);
        using var again = second.CreateClient();
        var stored = JsonNode.Parse(await again.GetStringAsync(Url($"/api/runs/{id}/metrics?key=train/loss")))!.AsArray();
        Assert.Equal(20, stored.Count);
        Assert.Equal(live.Select(p => ((long)p!["step"]!, (double)p["value"]!)), stored.Select(p => ((long)p!["step"]!, (double)p["value"]!)));
        var all = JsonNode.Parse(await again.GetStringAsync(Url($"/api/runs/{id}/metrics")))!.AsArray();
        Assert.Contains(all, p => (string?)p!["instanceId"] == "data" && (string?)p["key"] == "data/train_size" && (double)p["value"]! == 256);
    }
}
