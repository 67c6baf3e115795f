using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Server.Services;
using static TbrmFlow.Server.Tests.TbrmFlowServerFactory;
using static TbrmFlow.Server.Tests.WorkflowApiTests;

namespace TbrmFlow.Server.Tests;

/// <summary><c>/api/runs/{id}/artifacts</c>: a run's files, their download (only listed names) and previews.</summary>
public sealed class ArtifactApiTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>, IAsyncLifetime
{
    // One run for the whole class (xunit makes an instance per test): a second identical run would be served from the cache, without metrics or chart.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TbrmFlowServerFactory, Task<string>> RunOf = [];
    private string _id = "";

    public async Task InitializeAsync() => _id = await RunOf.GetValue(factory, StartAsync);

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string> StartAsync(TbrmFlowServerFactory factory)
    {
        using var client = factory.CreateAuthorizedClient();
        var id = await factory.StartRunAsync(client, "hello", new { seed = "11" });
        Assert.Equal("succeeded", Status(await WaitForRunAsync(client, id, Finished)));
        return id;
    }

    [Fact]
    public async Task List_HasTheStageOutputsAndTheMlflowFiles_AndDownloadServesTheirBytes()
    {
        using var client = factory.CreateClient();
        var files = JsonNode.Parse(await client.GetStringAsync(Url($"/api/runs/{_id}/artifacts")))!.AsArray();
        var paths = files.Select(f => (string)f!["path"]!).ToList();
        Assert.Contains("stages/data/train/problems.jsonl", paths);
        Assert.Contains("stages/data/test/manifest.json", paths);
        Assert.Contains("mlflow/manifest.json", paths);
        Assert.Contains("mlflow/workflow/hello.yaml", paths);
        var train = files.Single(f => (string?)f!["path"] == "stages/data/train/problems.jsonl")!;
        Assert.Equal(("data", "train", "PromptSet"), ((string)train["instanceId"]!, (string)train["group"]!, (string)train["kind"]!));

        var (_, full) = factory.Services.GetRequiredService<RunService>().ArtifactFile(_id, "stages/data/train/problems.jsonl");
        Assert.Equal(new FileInfo(full).Length, (long)train["sizeBytes"]!);
        var response = await client.GetAsync(Url($"/api/runs/{_id}/artifacts/download?path={Uri.EscapeDataString("stages/data/train/problems.jsonl")}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(full), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("problems.jsonl", response.Content.Headers.ContentDisposition!.FileName);
        // 256 problems: the data stage's train_size in hello.yaml.
        Assert.Equal(256, (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("../runs.db")]
    [InlineData("stages/data/train/../../../../runs.db")]
    [InlineData("/etc/passwd")]
    [InlineData("mlflow/../meta.yaml")]
    [InlineData("stages/data/train")]
    [InlineData("stages/data/train/link.jsonl")]
    public async Task Download_RefusesEveryPathItDidNotList(string path)
    {
        // A symbolic link planted inside an artifact (to the run store) is neither listed nor served.
        var (_, full) = factory.Services.GetRequiredService<RunService>().ArtifactFile(_id, "stages/data/train/problems.jsonl");
        var link = Path.Combine(Path.GetDirectoryName(full)!, "link.jsonl");
        if (!File.Exists(link))
        {
            File.CreateSymbolicLink(link, factory.StorePath);
        }
        using var client = factory.CreateClient();
        var response = await client.GetAsync(Url($"/api/runs/{_id}/artifacts/download?path={Uri.EscapeDataString(path)}"));
        await ProblemAsync(response, HttpStatusCode.NotFound);
        var listed = JsonNode.Parse(await client.GetStringAsync(Url($"/api/runs/{_id}/artifacts")))!.AsArray();
        Assert.DoesNotContain(listed, f => ((string)f!["path"]!).Contains("link", StringComparison.Ordinal));
        await ProblemAsync(await client.GetAsync(Url("/api/runs/20990101-000000-abcdef/artifacts")), HttpStatusCode.NotFound);
    }

    [Fact]
    public void Preview_ShowsJsonlRowsAsATable_JsonPretty_AndImagesInline()
    {
        var runs = factory.Services.GetRequiredService<RunService>();
        var table = runs.PreviewArtifact(_id, "stages/data/train/problems.jsonl");
        Assert.Equal("table", table.Kind);
        Assert.Equal(ArtifactPreview.MaxRows, table.Rows.Count);
        Assert.Equal(["id", "question", "answer"], table.Columns.Take(3));
        Assert.All(table.Rows, r => Assert.Matches(@"^\d+\+\d+=$", r[1]));
        var json = runs.PreviewArtifact(_id, "mlflow/manifest.json");
        Assert.Equal("json", json.Kind);
        Assert.Contains("\n  \"", json.Text, StringComparison.Ordinal);
        // The MLflow chart is drawn as the run closes, just after its status turned final: wait for the MLflow run's end.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!runs.Artifacts(_id).Any(f => f.Path.EndsWith(".png", StringComparison.Ordinal)) && !ChartFailed(out _) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
        var chart = runs.Artifacts(_id).FirstOrDefault(f => f.Path.EndsWith(".png", StringComparison.Ordinal));
        Assert.True(chart is not null, ChartFailed(out var error) ? "chart error: " + error : "no chart after 60 s");
        Assert.Equal("mlflow/charts/train_loss.png", chart.Path);
        Assert.Equal("image", runs.PreviewArtifact(_id, chart.Path).Kind);
    }

    private bool ChartFailed(out string error)
    {
        var file = Directory.GetFiles(factory.MlrunsDirectory, "tbrmflow.chart_error", SearchOption.AllDirectories).FirstOrDefault();
        error = file is null ? "" : File.ReadAllText(file);
        return file is not null;
    }
}
