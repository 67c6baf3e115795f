using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace TbrmFlow.Server.BrowserTests;

/// <summary>The designer in a real browser: graph, property panel -> YAML, YAML -> diagnostics, 100 stages.</summary>
public sealed class DesignerTests(ServerFixture server, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    /// <summary>Opens a workflow and waits until Monaco is up (the circuit is interactive then).</summary>
    private static async Task<IPage> OpenAsync(ServerFixture server, string name)
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync($"workflows/{name}");
        await page.WaitForFunctionAsync("() => window.tbrmflowEditor !== undefined && window.tbrmflowEditor.getValue().length > 0");
        return page;
    }

    private static Task<string> EditorText(IPage page) => page.EvaluateAsync<string>("() => window.tbrmflowEditor.getValue()");

    [BrowserFact]
    public async Task Quickstart_StagesAreNodes_AndAnInputEditPatchesTheYamlInPlace()
    {
        var watch = Stopwatch.StartNew();
        var page = await OpenAsync(server, "quickstart");
        output.WriteLine($"quickstart: editor interactive {watch.ElapsedMilliseconds} ms after navigation");
        var stages = await page.Locator("svg.graph g.node").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.stage)");
        Assert.Equal(["data", "evaluate", "sft", "tbrm"], stages.Order(StringComparer.Ordinal));
        // sft and tbrm feed evaluate through stages[matrix.policy]; data feeds all three.
        Assert.Equal(6, await page.Locator("svg.graph path.edge").CountAsync());

        await page.Locator("g.node[data-stage=tbrm] text.id").ClickAsync(); // the title: a press on a port starts a connection
        await Assertions.Expect(page.GetByTestId("props-title")).ToHaveTextAsync("tbrm");
        var field = page.Locator("[data-testid=props] .field[data-input=prompts_per_step] input");
        await Assertions.Expect(field).ToHaveValueAsync("64");
        await field.FillAsync("32");
        await field.PressAsync("Tab");
        await page.WaitForFunctionAsync("() => window.tbrmflowEditor.getValue().includes('prompts_per_step: 32')");
        var text = await EditorText(page);
        var original = await File.ReadAllTextAsync(Path.Combine(server.Workflows, "quickstart.yaml"));
        // Only that value changed: comments, key order and the flow mappings are untouched.
        Assert.Equal(original.Replace("prompts_per_step: 64", "prompts_per_step: 32", StringComparison.Ordinal), text);

        // An input that is not set yet is added under the stage's with: block.
        var kl = page.Locator("[data-testid=props] .field[data-input=reference] select.connect");
        await kl.SelectOptionAsync("${{ stages.sft.outputs.checkpoint }}");
        await page.WaitForFunctionAsync("() => window.tbrmflowEditor.getValue().includes('reference: \"${{ stages.sft.outputs.checkpoint }}\"')");
        await page.GetByTestId("props").EvaluateAsync("e => e.scrollTop = 0");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ServerFixture.ImagePath("designer.png") });

        // Save writes the editor's text to the workflows folder.
        await page.GetByTestId("save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToContainTextAsync("saved");
        Assert.Equal(await EditorText(page), await File.ReadAllTextAsync(Path.Combine(server.Workflows, "quickstart.yaml")));
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task PaletteDrag_AddsAStage_AndItsMissingInputsAreReported()
    {
        var page = await OpenAsync(server, "off-policy-tbrm");
        await Assertions.Expect(page.Locator("g.frame[data-stage=rl]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("g.node[data-stage='rl/update']")).ToHaveCountAsync(1);
        await page.GetByTestId("palette-search").FillAsync("math");
        await page.Locator(".palette .item[data-activity='eval.math']").DragToAsync(page.Locator(".graph-scroll"));
        await Assertions.Expect(page.Locator("g.node[data-stage=math]")).ToHaveCountAsync(1);
        Assert.EndsWith("\n  math:\n    uses: eval.math\n", await EditorText(page), StringComparison.Ordinal);
        // The new stage is selected; the validator's complaint about its missing inputs shows in the panel.
        await Assertions.Expect(page.GetByTestId("props-title")).ToHaveTextAsync("math");
        await Assertions.Expect(page.GetByTestId("props")).ToContainTextAsync("checkpoint");
        await Assertions.Expect(page.GetByTestId("diagnostics").Locator("li.error").First).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task YamlError_ShowsAnInlineDiagnostic()
    {
        var page = await OpenAsync(server, "quickstart");
        // Type into Monaco like a user: make tbrm's activity name unknown.
        var line = await page.EvaluateAsync<int>("() => window.tbrmflowEditor.getModel().getLinesContent().findIndex(l => l.trim() === 'uses: rl.tbrm') + 1");
        Assert.True(line > 0);
        await page.EvaluateAsync($"() => {{ const e = window.tbrmflowEditor; e.focus(); e.setPosition({{ lineNumber: {line}, column: 1000 }}); }}");
        await page.Keyboard.TypeAsync("x");
        var item = page.GetByTestId("diagnostics").Locator("li.error");
        await Assertions.Expect(item.First).ToContainTextAsync("rl.tbrmx");
        Assert.StartsWith($"{line}:", await item.First.InnerTextAsync(), StringComparison.Ordinal);
        // The same diagnostic is a Monaco marker: a squiggle in the editor on that line.
        await Assertions.Expect(page.Locator(".monaco-editor .squiggly-error").First).ToBeAttachedAsync();
        var markers = await page.EvaluateAsync<int[]>("() => monaco.editor.getModelMarkers({ owner: 'tbrmflow' }).map(m => m.startLineNumber)");
        Assert.Contains(line, markers);
        // Typing there also selected the stage under the cursor; its panel names the unknown activity.
        await Assertions.Expect(page.GetByTestId("props-title")).ToHaveTextAsync("tbrm");
        await Assertions.Expect(page.GetByTestId("props")).ToContainTextAsync("rl.tbrmx");
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task HundredStages_RenderAndStayEditable()
    {
        var page = await server.NewPageAsync();
        var watch = Stopwatch.StartNew();
        await page.GotoAsync("workflows/hundred");
        await Assertions.Expect(page.Locator("svg.graph g.node")).ToHaveCountAsync(100);
        var firstPaint = watch.Elapsed;
        await page.WaitForFunctionAsync("() => window.tbrmflowEditor !== undefined && window.tbrmflowEditor.getValue().length > 0");
        var interactive = watch.Elapsed;
        await page.Locator("g.node[data-stage=sft20] text.id").ClickAsync();
        var field = page.Locator("[data-testid=props] .field[data-input=steps] input");
        await Assertions.Expect(field).ToHaveValueAsync("30");
        watch.Restart();
        await field.FillAsync("77");
        await field.PressAsync("Tab");
        await page.WaitForFunctionAsync("() => window.tbrmflowEditor.getValue().includes('steps: 77')");
        var edit = watch.Elapsed;
        watch.Restart();
        await page.EvaluateAsync("() => { const e = window.tbrmflowEditor; const m = e.getModel(); e.executeEdits('t', [{ range: m.getFullModelRange(), text: m.getValue().replace('sft32:', 'sft99:').replace('sft32.outputs', 'sft99.outputs') }]); }");
        await Assertions.Expect(page.Locator("g.node[data-stage=sft99]")).ToHaveCountAsync(1);
        var yamlToGraph = watch.Elapsed;
        var layout = await page.GetByTestId("layout-ms").InnerTextAsync();
        output.WriteLine($"100 stages: nodes drawn {firstPaint.TotalMilliseconds:0} ms after navigation, editor interactive {interactive.TotalMilliseconds:0} ms, " +
            $"property edit -> YAML {edit.TotalMilliseconds:0} ms, YAML edit -> graph {yamlToGraph.TotalMilliseconds:0} ms (incl. 300 ms debounce), server {layout.Trim(' ', '·')}");
        await page.CloseAsync();
    }
}
