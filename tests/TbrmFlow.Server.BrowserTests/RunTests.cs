using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.BrowserTests;

/// <summary>Runs from the browser: params dialog, live stage states in the run view, the comparison page.</summary>
public sealed class RunTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [BrowserFact]
    public async Task Hello_StartedFromTheDesigner_ReachesSucceeded_ThenTwoRunsCompare()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("workflows/hello");
        await page.WaitForFunctionAsync("() => window.tbrmflowEditor !== undefined");
        await page.GetByTestId("run").ClickAsync();
        var dialog = page.GetByTestId("run-dialog");
        await Assertions.Expect(dialog.Locator("input[data-param=seed]")).ToHaveValueAsync("1");
        await dialog.Locator("input[data-param=seed]").FillAsync("3");
        await dialog.Locator("input[data-param=seed]").PressAsync("Tab");
        await page.GetByTestId("start-run").ClickAsync();
        await page.WaitForURLAsync("**/runs/*");
        var firstId = page.Url.Split("/runs/")[1];

        // Both stages turn succeeded in the live view (the engine's events reach the page through RunService.Subscribe).
        var long_ = new LocatorAssertionsToHaveAttributeOptions { Timeout = 180_000 };
        await Assertions.Expect(page.Locator("g.node[data-stage=data]")).ToHaveAttributeAsync("data-status", "succeeded", long_);
        await Assertions.Expect(page.Locator("g.node[data-stage=fit]")).ToHaveAttributeAsync("data-status", "succeeded", long_);
        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        // fit logs train/loss: its node carries a sparkline, and its panel shows outputs and the log.
        await Assertions.Expect(page.Locator("g.node[data-stage=fit] polyline.spark")).ToHaveCountAsync(1);
        await page.Locator("g.node[data-stage=fit]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("run-side")).ToContainTextAsync("final_loss");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("run.png") });

        var runs = server.Services.GetRequiredService<RunService>();
        Assert.Equal("3", runs.Get(firstId)!.Params["seed"]!.ToJsonString());
        var secondId = await runs.StartAsync("hello", new Dictionary<string, string> { ["seed"] = "4" }, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (runs.Get(secondId)!.Summary.Status is not ("succeeded" or "failed") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.Equal("succeeded", runs.Get(secondId)!.Summary.Status);

        await page.GotoAsync($"compare?runs={firstId},{secondId}");
        await Assertions.Expect(page.GetByTestId("compare-metric")).ToHaveValueAsync("train/loss");
        await Assertions.Expect(page.Locator("[data-testid=chart] polyline")).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("compare.png") });

        await page.GotoAsync("runs");
        await Assertions.Expect(page.GetByTestId("run-list").Locator($"a[href='runs/{firstId}']")).ToHaveCountAsync(1);
        await page.CloseAsync();
    }
}
