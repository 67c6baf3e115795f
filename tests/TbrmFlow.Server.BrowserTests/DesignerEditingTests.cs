using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace TbrmFlow.Server.BrowserTests;

/// <summary>
/// The designer as a new user meets it: a workflow built from nothing with the palette and the mouse
/// (ports dragged onto ports), saved with Ctrl+S, run, followed live and compared; the lifecycle (Save as,
/// Rename, Delete) and the unsaved-changes guard; moving, renaming and deleting stages on the graph.
/// </summary>
public sealed class DesignerEditingTests(ServerFixture server, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions RunTimeout = new() { Timeout = 300_000 };

    private static Task<IJSHandle> WaitForEditor(IPage page) =>
        page.WaitForFunctionAsync("() => window.tbrmflowEditor !== undefined && window.tbrmflowEditor.getValue().length > 0");

    private static Task<string> EditorText(IPage page) => page.EvaluateAsync<string>("() => window.tbrmflowEditor.getValue()");

    private static ILocator Node(IPage page, string stage) => page.Locator($"svg.graph g.node[data-stage='{stage}']");

    /// <summary>Drags output <paramref name="output"/> of <paramref name="from"/> onto input <paramref name="input"/> of <paramref name="to"/> with the mouse.</summary>
    private static async Task DragPortAsync(IPage page, string from, string output, string to, string input)
    {
        var source = (await Node(page, from).Locator($"g.port.out[data-port='{output}'] circle").BoundingBoxAsync())!;
        var target = (await Node(page, to).Locator($"g.port.in[data-port='{input}'] circle").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(source.X + source.Width / 2, source.Y + source.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((source.X + target.X) / 2, (source.Y + target.Y) / 2, new() { Steps = 5 });
        // While dragging, the compatible inputs are marked (the server decides, so wait for it).
        await Assertions.Expect(page.Locator("svg.graph.connecting")).ToHaveCountAsync(1);
        await page.Mouse.MoveAsync(target.X + target.Width / 2, target.Y + target.Height / 2, new() { Steps = 5 });
        await page.Mouse.UpAsync();
    }

    private static async Task ConnectAsync(IPage page, string from, string output, string to, string input)
    {
        await DragPortAsync(page, from, output, to, input);
        var reference = $"${{{{ stages.{from}.outputs.{output} }}}}";
        await page.WaitForFunctionAsync($"() => window.tbrmflowEditor.getValue().includes('{input}: \"{reference}\"')");
        await Assertions.Expect(page.Locator($"path.edge[data-edge='{from}->{to}'][data-input='{input}']")).ToHaveCountAsync(1);
    }

    /// <summary>Selects a stage by clicking its title (not a port) and sets one input field.</summary>
    private static async Task SetInputAsync(IPage page, string stage, string input, string value)
    {
        await Node(page, stage).Locator("text.id").ClickAsync();
        await Assertions.Expect(page.GetByTestId("props-title")).ToHaveTextAsync(stage);
        var field = page.Locator($"[data-testid=props] .field[data-input={input}] input");
        var count = $"(window.tbrmflowEditor.getValue().match(/\\b{input}: {value}\\b/g) || []).length";
        var before = await page.EvaluateAsync<int>($"() => {count}");
        await field.FillAsync(value);
        await field.PressAsync("Tab");
        await page.WaitForFunctionAsync($"() => {count} > {before}");
    }

    [BrowserFact]
    public async Task NewUser_BuildsDataSftTbrmEval_WithTheMouse_SavesWithCtrlS_RunsIt_AndComparesIt()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("");
        await Assertions.Expect(page.GetByTestId("workflow-list")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await page.GetByTestId("new").ClickAsync();
        await page.GetByTestId("name-input").FillAsync("my-first");
        await page.GetByTestId("name-ok").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workflows/my-first$"));
        await WaitForEditor(page);
        Assert.Equal("name: my-first\ndescription: New workflow\nstages: {}\n", await EditorText(page));

        // The palette adds to the empty stages mapping; each stage takes the next free spot of the grid.
        foreach (var (type, id) in new[] { ("data.arithmetic", "arithmetic"), ("rl.sft", "sft"), ("rl.tbrm", "tbrm"), ("eval.math", "math") })
        {
            await page.Locator($".palette .item[data-activity='{type}'] button").ClickAsync();
            await Assertions.Expect(Node(page, id)).ToHaveCountAsync(1);
        }
        Assert.StartsWith("name: my-first\ndescription: New workflow\nstages:\n  arithmetic:\n    uses: data.arithmetic\n  sft:\n    uses: rl.sft\n", await EditorText(page), StringComparison.Ordinal);
        var boxes = new List<LocatorBoundingBoxResult>();
        foreach (var id in new[] { "arithmetic", "sft", "tbrm", "math" })
        {
            boxes.Add((await Node(page, id).Locator("rect.body").BoundingBoxAsync())!);
        }
        Assert.All(boxes.SelectMany((a, i) => boxes.Skip(i + 1).Select(b => (a, b))),
            p => Assert.False(p.a.X < p.b.X + p.b.Width && p.b.X < p.a.X + p.a.Width && p.a.Y < p.b.Y + p.b.Height && p.b.Y < p.a.Y + p.a.Height, "two new stages overlap"));
        // Missing required inputs: badges on sft, tbrm and math.
        await Assertions.Expect(Node(page, "math").GetByTestId("error-badge")).ToBeVisibleAsync();
        await page.GetByTestId("fit").ClickAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("designer-new.png") });

        // Connect by dragging output ports onto input ports.
        await ConnectAsync(page, "arithmetic", "train", "sft", "train");
        await ConnectAsync(page, "sft", "checkpoint", "tbrm", "policy");
        await ConnectAsync(page, "arithmetic", "train", "tbrm", "prompts");
        // Refused visibly: a PromptSet into a Checkpoint input, and a connection that would close a loop.
        await DragPortAsync(page, "arithmetic", "test", "math", "checkpoint");
        await Assertions.Expect(page.GetByTestId("graph-message")).ToContainTextAsync("cannot feed a Checkpoint");
        await DragPortAsync(page, "tbrm", "checkpoint", "sft", "init");
        await Assertions.Expect(page.GetByTestId("graph-message")).ToContainTextAsync("cycle");
        Assert.DoesNotContain("init:", await EditorText(page), StringComparison.Ordinal);
        await ConnectAsync(page, "tbrm", "checkpoint", "math", "checkpoint");
        await ConnectAsync(page, "arithmetic", "test", "math", "problems");
        await Assertions.Expect(page.GetByTestId("error-badge")).ToHaveCountAsync(0);
        // Auto layout: layers left to right in the order of the data flow.
        await page.GetByTestId("auto-layout").ClickAsync();
        await page.GetByTestId("fit").ClickAsync();
        await page.WaitForFunctionAsync("() => ['arithmetic', 'sft', 'tbrm', 'math'].map(s => +document.querySelector(`g.node[data-stage=${s}]`).dataset.x).every((x, i, a) => i === 0 || x > a[i - 1])");

        // Small settings so the run takes seconds.
        await SetInputAsync(page, "arithmetic", "train_size", "256");
        await SetInputAsync(page, "arithmetic", "test_size", "16");
        await SetInputAsync(page, "sft", "steps", "20");
        await SetInputAsync(page, "sft", "batch_size", "32");
        await SetInputAsync(page, "tbrm", "steps", "3");
        await SetInputAsync(page, "tbrm", "prompts_per_step", "8");
        await SetInputAsync(page, "tbrm", "max_new_tokens", "5");
        await SetInputAsync(page, "math", "max_new_tokens", "5");
        await Assertions.Expect(page.GetByTestId("dirty")).ToBeVisibleAsync();

        // Ctrl+S from the graph saves the text and the layout sidecar.
        await page.GetByTestId("graph-pane").FocusAsync();
        await page.Keyboard.PressAsync("Control+s");
        await Assertions.Expect(page.GetByTestId("status")).ToContainTextAsync("saved");
        await Assertions.Expect(page.GetByTestId("dirty")).ToHaveCountAsync(0);
        var text = await EditorText(page);
        Assert.Equal(text, await File.ReadAllTextAsync(Path.Combine(server.Workflows, "my-first.yaml")));
        var layout = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(server.Workflows, "my-first.layout.json")))!;
        Assert.Equal(["arithmetic", "math", "sft", "tbrm"], layout["nodes"]!.AsObject().Select(kv => kv.Key).Order(StringComparer.Ordinal));
        await page.Locator("[data-testid=props]").EvaluateAsync("e => e.scrollTop = 0");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("designer-graph.png") });

        // Run it and follow it live to the end.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await page.GetByTestId("run").ClickAsync();
        await page.GetByTestId("start-run").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs/[^/]+$"));
        var first = page.Url.Split('/')[^1];
        await Assertions.Expect(page.Locator("g.node[data-stage=math]")).ToHaveAttributeAsync("data-status", "succeeded", RunTimeout);
        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        output.WriteLine($"my-first run: {watch.Elapsed.TotalSeconds:0.0} s from Run to succeeded");

        // Another run (Retry), then compare the two.
        await page.GetByTestId("retry").ClickAsync();
        await page.WaitForFunctionAsync($"() => location.pathname.startsWith('/runs/') && !location.pathname.endsWith('{first}')");
        var second = page.Url.Split('/')[^1];
        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded", new() { Timeout = 300_000 });
        await page.GetByTestId("compare-link").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/compare\\?runs="));
        await page.GetByTestId("add-run").SelectOptionAsync(first);
        await page.WaitForFunctionAsync($"() => location.search.includes('{first}') && location.search.includes('{second}')");
        await Assertions.Expect(page.GetByTestId("compare-runs")).ToContainTextAsync("my-first");
        await Assertions.Expect(page.Locator("[data-testid=chart-box][data-title^='tbrm · ']").First).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task Lifecycle_SaveAsRenameDelete_AndTheUnsavedChangesGuard()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("workflows/hello");
        await WaitForEditor(page);
        var original = await File.ReadAllTextAsync(Path.Combine(server.Workflows, "hello.yaml"));
        await SetInputAsync(page, "fit", "steps", "123");
        await Assertions.Expect(page.GetByTestId("dirty")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.tbrmflowDirty === true")); // beforeunload is armed

        // Leaving by a link asks first; Stay keeps the edits.
        await page.Locator("header.topbar a[href='/runs']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("unsaved-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("confirm-cancel").ClickAsync();
        Assert.EndsWith("/workflows/hello", page.Url, StringComparison.Ordinal);
        Assert.Contains("steps: 123", await EditorText(page), StringComparison.Ordinal);
        // So does switching workflow with the list; after Stay the list shows this workflow again.
        await page.GetByTestId("switch").SelectOptionAsync("quickstart");
        await Assertions.Expect(page.GetByTestId("unsaved-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("confirm-cancel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("switch")).ToHaveValueAsync("hello");
        Assert.EndsWith("/workflows/hello", page.Url, StringComparison.Ordinal);

        // Save as: the copy holds the edits, the original file is unchanged.
        await page.GetByTestId("save-as").ClickAsync();
        await page.GetByTestId("name-input").FillAsync("hello");
        await page.GetByTestId("name-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("name-error")).ToContainTextAsync("already exists");
        await page.GetByTestId("name-input").FillAsync("hello-copy");
        await page.GetByTestId("name-ok").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workflows/hello-copy$"));
        await WaitForEditor(page);
        Assert.Equal(original, await File.ReadAllTextAsync(Path.Combine(server.Workflows, "hello.yaml")));
        var copy = await File.ReadAllTextAsync(Path.Combine(server.Workflows, "hello-copy.yaml"));
        Assert.Contains("steps: 123", copy, StringComparison.Ordinal);
        Assert.Contains("name: hello-copy", copy, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("dirty")).ToHaveCountAsync(0);

        // Move a node with the mouse: the position is kept in the sidecar on save; Rename takes the sidecar along.
        var body = (await Node(page, "data").Locator("rect.body").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(body.X + 30, body.Y + 12);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(body.X + 80, body.Y + 112, new() { Steps = 6 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(page.GetByTestId("dirty")).ToBeVisibleAsync();
        var moved = (await Node(page, "data").Locator("rect.body").BoundingBoxAsync())!;
        Assert.InRange(moved.Y - body.Y, 90, 110);
        await page.Keyboard.PressAsync("Control+s");
        await Assertions.Expect(page.GetByTestId("dirty")).ToHaveCountAsync(0);
        Assert.True(File.Exists(Path.Combine(server.Workflows, "hello-copy.layout.json")));

        await page.GetByTestId("rename").ClickAsync();
        await page.GetByTestId("name-input").FillAsync("hello-two");
        await page.GetByTestId("name-ok").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workflows/hello-two$"));
        Assert.False(File.Exists(Path.Combine(server.Workflows, "hello-copy.yaml")));
        Assert.True(File.Exists(Path.Combine(server.Workflows, "hello-two.yaml")));
        Assert.True(File.Exists(Path.Combine(server.Workflows, "hello-two.layout.json")));
        var kept = (await Node(page, "data").Locator("rect.body").BoundingBoxAsync())!;
        Assert.InRange(kept.Y - moved.Y, -2, 2); // the position came back from the sidecar

        // Stage rename rewrites the references; Delete removes the selected stage and what pointed at it.
        await Node(page, "data").Locator("text.id").ClickAsync();
        await page.GetByTestId("stage-id").FillAsync("problems");
        await page.GetByTestId("stage-id").PressAsync("Tab");
        await page.WaitForFunctionAsync("() => window.tbrmflowEditor.getValue().includes('stages.problems.outputs.train')");
        Assert.DoesNotContain("stages.data", await EditorText(page), StringComparison.Ordinal);
        await Assertions.Expect(Node(page, "problems")).ToHaveCountAsync(1);
        await Node(page, "problems").Locator("text.id").ClickAsync();
        await page.GetByTestId("graph-pane").FocusAsync();
        await page.Keyboard.PressAsync("Delete");
        await Assertions.Expect(Node(page, "problems")).ToHaveCountAsync(0);
        Assert.DoesNotContain("stages.problems", await EditorText(page), StringComparison.Ordinal);
        await Assertions.Expect(Node(page, "fit").GetByTestId("error-badge")).ToBeVisibleAsync(); // its problems input is missing now

        // Leaving with unsaved edits: "Leave without saving" goes and the file stays as saved.
        await page.Locator("header.topbar a[href='/runs']").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs$"));
        Assert.Contains("stages.data.outputs.train", await File.ReadAllTextAsync(Path.Combine(server.Workflows, "hello-two.yaml")), StringComparison.Ordinal);

        // Delete asks, then removes the file and its layout.
        await page.GotoAsync("workflows/hello-two");
        await WaitForEditor(page);
        await page.GetByTestId("delete").ClickAsync();
        await Assertions.Expect(page.GetByTestId("delete-dialog")).ToContainTextAsync("hello-two.yaml");
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("workflow-list")).ToBeVisibleAsync();
        Assert.False(File.Exists(Path.Combine(server.Workflows, "hello-two.yaml")));
        Assert.False(File.Exists(Path.Combine(server.Workflows, "hello-two.layout.json")));
        await Assertions.Expect(page.GetByTestId("workflow-list")).Not.ToContainTextAsync("hello-two");
        await page.CloseAsync();
    }
}
