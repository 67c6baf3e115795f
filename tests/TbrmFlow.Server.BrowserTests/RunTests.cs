using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TbrmFlow.Server.Security;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.BrowserTests;

/// <summary>
/// A run followed in the browser (live states, logs, charts with hover values, artifacts and their
/// download, the workflow as run), the runs list updating by itself, and two runs compared.
/// </summary>
public sealed class RunTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions RunTimeout = new() { Timeout = 180_000 };

    [BrowserFact]
    public async Task RunPage_FollowsARun_ReadsLogsAndCharts_AndDownloadsAnArtifact()
    {
        var page = await server.NewPageAsync();
        var id = await StartAsync("hello", new { seed = "3" });
        await page.GotoAsync($"runs/{id}");
        // Both stages turn succeeded in the live view (the engine's events reach the page through RunService.Subscribe).
        await Assertions.Expect(page.Locator("g.node[data-stage=fit]")).ToHaveAttributeAsync("data-status", "succeeded", RunTimeout);
        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        // Overview: a parameters table (not raw JSON), the stages with their outputs, fit's loss chart.
        await Assertions.Expect(page.GetByTestId("params").Locator("tr", new() { HasText = "seed" })).ToContainTextAsync("3");
        await Assertions.Expect(page.GetByTestId("stages")).ToContainTextAsync("final_loss");
        await Assertions.Expect(page.Locator("[data-testid=chart-box][data-title^='fit · train/loss']")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("run.png") });

        // Logs: what the CLI prints for the stage, line by line.
        await page.Locator(".tabs a[data-tab=logs]").ClickAsync();
        var fitLog = page.Locator(".log-section[data-instance=fit]");
        await Assertions.Expect(fitLog.Locator(".log-line").First).ToContainTextAsync("running");
        await Assertions.Expect(fitLog).ToContainTextAsync("1000/1000 (100%) train/loss");
        await Assertions.Expect(fitLog.Locator(".log-line").Last).ToContainTextAsync("succeeded");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("run-logs.png") });

        // Metrics: fit's loss has a chart with ticks on both axes; hovering shows the value at the nearest step.
        await page.Locator(".tabs a[data-tab=metrics]").ClickAsync();
        var chart = page.Locator("[data-testid=chart-box][data-title^='fit · train/loss'] svg.chart");
        await Assertions.Expect(chart.Locator("text.tick")).Not.ToHaveCountAsync(0);
        var box = (await chart.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.6f, box.Y + box.Height * 0.4f);
        var tip = page.Locator(".chart-tip");
        await Assertions.Expect(tip).ToBeVisibleAsync();
        await Assertions.Expect(tip).ToContainTextAsync("step");
        var shown = await tip.Locator(".chart-tip-value").First.TextContentAsync();
        Assert.True(double.TryParse(shown, System.Globalization.CultureInfo.InvariantCulture, out _), $"hover value '{shown}' is not a number");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("run-metrics.png") });

        // Artifacts: the data stage's problems as a table; the download has the file's bytes.
        await page.Locator(".tabs a[data-tab=artifacts]").ClickAsync();
        var problems = page.Locator(".artifact[data-path='stages/data/train/problems.jsonl']");
        await problems.Locator("a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("preview-table").Locator("tbody tr")).ToHaveCountAsync(20);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("artifacts.png") });
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
        var saved = Path.Combine(server.Home, "downloaded.jsonl");
        await download.SaveAsAsync(saved);
        var (_, original) = server.Services.GetRequiredService<RunService>().ArtifactFile(id, "stages/data/train/problems.jsonl");
        Assert.Equal(await File.ReadAllBytesAsync(original), await File.ReadAllBytesAsync(saved));
        Assert.Equal("problems.jsonl", download.SuggestedFilename);

        // The workflow as it ran.
        await page.Locator(".tabs a[data-tab=workflow]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("workflow-source")).ToContainTextAsync("uses: demo.fit_sum");
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task RunsList_ShowsApiRunsLive_ThenCompareShowsTheParamDiff_TheBestByDirection_AndOneChartPerStage()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("runs");
        // Once the circuit is up (prerendered HTML first), the list is live.
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await page.GetByTestId("columns").ClickAsync();
        await Assertions.Expect(page.GetByTestId("column-picker")).ToBeVisibleAsync();
        // A 200-step fit whose final loss depends on the learning rate (hello's converges to 0 for every seed).
        await File.WriteAllTextAsync(Path.Combine(server.Workflows, "short-fit.yaml"), """
            name: short-fit
            params: { seed: 1, lr: 0.01 }
            stages:
              data:
                uses: data.arithmetic
                with: { digits: 2, train_size: 64, test_size: 8, seed: "${{ params.seed }}" }
              fit:
                uses: demo.fit_sum
                with: { problems: "${{ stages.data.outputs.train }}", steps: 200, learning_rate: "${{ params.lr }}", seed: "${{ params.seed }}" }
            """);
        var a = await StartAsync("short-fit", new { lr = "0.01" });
        var b = await StartAsync("short-fit", new { lr = "0.03" });
        var list = page.GetByTestId("run-list");
        foreach (var id in new[] { a, b })
        {
            // Started through the API, not by this page: the list shows them and their end without a reload.
            await Assertions.Expect(list.Locator($"tr[data-run='{id}'] .badge")).ToHaveTextAsync("succeeded", new() { Timeout = 180_000 });
        }
        await page.GetByTestId("filter-status").SelectOptionAsync("succeeded");
        await Assertions.Expect(list.Locator("thead")).ToContainTextAsync("lr");
        await Assertions.Expect(list.Locator("thead")).ToContainTextAsync("fit: train/loss");
        await page.GetByTestId("columns").ClickAsync(); // close the picker for the picture
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("runs.png") });
        foreach (var id in new[] { a, b })
        {
            await list.Locator($"tr[data-run='{id}'] input[type=checkbox]").CheckAsync();
        }
        await page.GetByTestId("compare-selected").ClickAsync();

        // The differing param is a highlighted row with both values; the runs are named by it.
        var lr = page.GetByTestId("param-diff").Locator("tr[data-key=lr]");
        await Assertions.Expect(lr).ToHaveClassAsync("differs");
        await Assertions.Expect(lr).ToContainTextAsync("0.01");
        await Assertions.Expect(lr).ToContainTextAsync("0.03");
        await Assertions.Expect(page.GetByTestId("param-diff").Locator("tr[data-key=seed]")).ToHaveCountAsync(0); // equal: hidden
        await Assertions.Expect(page.GetByTestId("compare-runs")).ToContainTextAsync("short-fit lr=0.01");
        // Best follows the metric's direction: the lower final loss wins.
        var runs = server.Services.GetRequiredService<RunService>();
        var lossA = runs.Values(a).Metrics["fit: train/loss"];
        var lossB = runs.Values(b).Metrics["fit: train/loss"];
        Assert.NotEqual(lossA, lossB);
        var lossRow = page.GetByTestId("metric-table").Locator("tr[data-stage=fit][data-key='train/loss']");
        await Assertions.Expect(lossRow.GetByTestId("best")).ToHaveTextAsync(lossA < lossB ? "short-fit lr=0.01" : "short-fit lr=0.03");
        // One chart per stage and metric: fit's loss, with a line per run, and no chart mixes stages.
        var fitLoss = page.Locator("[data-testid=chart-box][data-title^='fit · train/loss']");
        await Assertions.Expect(fitLoss.Locator("g.series")).ToHaveCountAsync(2);
        var titles = await page.Locator("[data-testid=chart-box]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.title)");
        Assert.All(titles, t => Assert.Matches("^(data|fit) · ", t));
        await page.GetByTestId("log-scale").CheckAsync();
        await Assertions.Expect(fitLoss.Locator("text.axis-title")).ToContainTextAsync("log scale");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("compare.png"), FullPage = true });
        await page.CloseAsync();
    }

    /// <summary>Starts a workflow through the HTTP API with the server's token, as a script would.</summary>
    private async Task<string> StartAsync(string workflow, object parameters)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Services.GetRequiredService<ServerSecurity>().Token);
        var response = await client.PostAsJsonAsync("api/runs", new { workflow, @params = parameters });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
    }
}
