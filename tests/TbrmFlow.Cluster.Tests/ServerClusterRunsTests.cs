using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using TbrmFlow.Tracking;
using TbrmFlow.Tracking.Local;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Cluster.Tests;

/// <summary>A server started with a cluster shows the cluster's runs beside this machine's (issue 9: "the server shows its progress").</summary>
public sealed class ServerClusterRunsTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tbrmflow-server-cluster-").FullName;

    public void Dispose()
    {
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(null);
        Directory.Delete(_home, recursive: true);
    }

    [PostgresFact]
    public async Task ClusterRuns_AreListedAndShown_ButNotResumedByTheServer()
    {
        using var db = new TestDatabase();
        var runId = await SubmitTwoStageRunAsync(db);
        await using var server = Server(db);
        using var client = Client(server);

        var list = JsonNode.Parse(await client.GetStringAsync("/api/runs"))!.AsArray();
        Assert.Contains(list, r => (string?)r!["id"] == runId);
        var run = JsonNode.Parse(await client.GetStringAsync($"/api/runs/{runId}"))!;
        var stages = run["stages"]!.AsArray();
        // No worker is running: the root stage waits in its queue, its dependent is not planned yet.
        var a = Assert.Single(stages, s => (string?)s!["instance_id"] == "a" || (string?)s!["instanceId"] == "a")!;
        Assert.Equal("queued", (string?)a["status"]);
        Assert.DoesNotContain(stages, s => (string?)s!["instance_id"] == "b" || (string?)s!["instanceId"] == "b");

        var resume = await client.PostAsync($"/api/runs/{runId}/resume", null);
        Assert.Equal(HttpStatusCode.BadRequest, resume.StatusCode);
        Assert.Contains("cluster", await resume.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/runs/no-such-run")).StatusCode);
    }

    [PostgresFact]
    public async Task CancelEndpoint_CancelsAClusterRun_ThroughTheCliPath_AndRefusesItOnceEnded()
    {
        using var db = new TestDatabase();
        var runId = await SubmitTwoStageRunAsync(db);
        await using var server = Server(db);
        using var client = Client(server);

        // No worker runs a stage: the queued root is cancelled before it started, its dependent skipped, the run ends.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/runs/{runId}/cancel", null)).StatusCode);
        var run = JsonNode.Parse(await client.GetStringAsync($"/api/runs/{runId}"))!;
        Assert.Equal("cancelled", (string?)run["summary"]!["status"]);
        Assert.Equal("cancelled through the server", (string?)run["summary"]!["error"]);
        var statuses = run["stages"]!.AsArray().ToDictionary(s => (string)s!["instanceId"]!, s => (string?)s!["status"]);
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "cancelled", ["b"] = "skipped" }, statuses);
        // The cancel went to MLflow as 'tbrmflow cancel' reports it: the parent and the cancelled stage KILLED; the skipped
        // one FINISHED with its tbrmflow.stage_status tag, as an in-process run records a skipped stage.
        var mlflow = new MlflowFileStore(Path.Combine(_home, "mlruns")).RunDirectories().Select(LocalRunReader.Read)
            .Where(r => r.Tags.GetValueOrDefault(MlflowTags.RunId) == runId)
            .ToDictionary(r => r.Tags.GetValueOrDefault(MlflowTags.Stage) ?? "(parent)", r => r.Status, StringComparer.Ordinal);
        Assert.Equal(new Dictionary<string, MlflowRunStatus>
        {
            ["(parent)"] = MlflowRunStatus.Killed,
            ["a"] = MlflowRunStatus.Killed,
            ["b"] = MlflowRunStatus.Finished,
        }, mlflow);

        var again = await client.PostAsync($"/api/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already ended (cancelled)", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/runs/no-such-run/cancel", null)).StatusCode);
    }

    /// <summary>
    /// Submits a two-stage run (a, then b) to the cluster with tracking in HOME/mlruns, as 'run --cluster' does (the
    /// parent MLflow run exists from the start); no worker runs it, so a waits in its queue.
    /// </summary>
    private async Task<string> SubmitTwoStageRunAsync(TestDatabase db)
    {
        const string Yaml = """
            name: two
            stages:
              a: { uses: cluster.probe, with: { steps: 1 } }
              b: { uses: cluster.probe, needs: [a] }
            """;
        using var cluster = db.Connect();
        var workflow = WorkflowParser.Parse(Yaml, "two.yaml") with { SourceText = Yaml };
        var tracking = new TrackingOptions { LocalStore = Path.Combine(_home, "mlruns") };
        await using var submitter = TrackingSetup.CreateObserver(tracking);
        return await new ClusterRunner(cluster) { Tracking = ClusterTracking.Target(tracking) }.StartAsync(workflow, new Dictionary<string, JsonNode?>(), submitter);
    }

    /// <summary>The server over HOME with the cluster configured and the token "t0ken".</summary>
    private WebApplicationFactory<Program> Server(TestDatabase db) => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting("cluster", db.ConnectionString);
        b.UseSetting("home", _home);
        b.UseSetting("token", "t0ken");
    });

    private static HttpClient Client(WebApplicationFactory<Program> server)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Add("X-TbrmFlow-Token", "t0ken");
        return client;
    }
}
