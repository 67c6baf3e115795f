using System.Text.Json.Nodes;
using Bunit;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Server.Components.Shared;
using TbrmFlow.Server.Designer;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Server.Tests.Designer;

/// <summary>The designer's components rendered with bUnit: generated property fields and the SVG graph.</summary>
public sealed class ComponentTests : BunitContext
{
    private static readonly ActivityCatalog Catalog = ActivityCatalog.FromApplication();

    private const string Yaml = """
        name: t
        stages:
          data:
            uses: data.arithmetic
            with: { digits: "two", style: question }
          eval:
            uses: eval.math
            matrix: { t: [0, 1] }
            with: { problems: "${{ stages.data.outputs.test }}", checkpoint: model.bin, temperature: "${{ matrix.t }}" }
        """;

    [Fact]
    public void PropertyPanel_GeneratesTypedFields_FromTheDescriptor()
    {
        var workflow = WorkflowParser.TryParse(Yaml, [])!;
        Catalog.TryGet("data.arithmetic", out var descriptor);
        (string Input, JsonNode? Value)? set = null;
        var panel = Render<PropertyPanel>(p => p
            .Add(x => x.Stage, workflow.Stages[0])
            .Add(x => x.Descriptor, descriptor)
            .Add(x => x.OnSet, v => set = v));

        // One field per input, in declaration order.
        Assert.Equal(descriptor.Inputs.Select(i => i.Name), panel.FindAll(".field[data-input]").Select(f => f.GetAttribute("data-input")));
        // An enum is a dropdown of its snake_case names, with the default named in the empty option.
        var style = panel.Find(".field[data-input=style] select");
        Assert.Equal(["", "compact", "question"], style.QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        Assert.Equal("(default compact)", style.QuerySelectorAll("option")[0].TextContent);
        // A boolean is true/false; a number shows its default as placeholder.
        Assert.Equal(["", "true", "false"], panel.Find(".field[data-input=chain_of_thought] select").QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        Assert.Equal("default 1000", panel.Find(".field[data-input=train_size] input").GetAttribute("placeholder"));
        // A literal of the wrong type is reported inline under its field.
        Assert.Contains("expects int,", panel.Find(".field[data-input=digits] .msg").TextContent, StringComparison.Ordinal);

        // Typing a number sends a number; a string input would send the text.
        panel.Find(".field[data-input=train_size] input").Change("250");
        Assert.Equal("train_size", set!.Value.Input);
        Assert.Equal(250L, set.Value.Value!.GetValue<long>());
    }

    [Fact]
    public void GraphView_DrawsNodesEdgesAndMatrixStacks_AndReportsClicks()
    {
        var graph = WorkflowGraph.Build(WorkflowParser.TryParse(Yaml, [])!, Catalog);
        string? clicked = null;
        var view = Render<GraphView>(p => p.Add(x => x.Graph, graph).Add(x => x.OnSelect, s => clicked = s));
        Assert.Equal(["data", "eval"], view.FindAll("g.node").Select(n => n.GetAttribute("data-stage")));
        Assert.Equal("data->eval", view.Find("path.edge").GetAttribute("data-edge"));
        Assert.Equal(2, view.FindAll("g.node[data-stage=eval] rect.stack").Count); // two cells drawn as a stack
        Assert.Contains("matrix t: 2", view.Find("g.node[data-stage=eval] .matrix").TextContent, StringComparison.Ordinal);
        view.Find("g.node[data-stage=eval]").Click();
        Assert.Equal("eval", clicked);
    }

    [Fact]
    public void GraphView_WithPorts_DrawsTypedPortsLabelledEdgesBadges_AndMarksInputsDuringAPortDrag()
    {
        var graph = WorkflowGraph.Build(WorkflowParser.TryParse(Yaml, [])!, Catalog, ports: true);
        var problems = new Dictionary<string, StageProblems> { ["eval"] = new(2, 0, "TF0013: missing input 'checkpoint'") };
        var view = Render<GraphView>(p => p.Add(x => x.Graph, graph).Add(x => x.Problems, problems)
            .Add(x => x.Refusal, (from, output, to, input) => PortRules.Refusal(graph, from, output, to, input)));
        Assert.Equal(["train:PromptSet", "test:PromptSet"], view.FindAll("g.node[data-stage=data] g.port.out").Select(p => $"{p.GetAttribute("data-port")}:{p.GetAttribute("data-type")}"));
        Assert.Equal(["checkpoint:Checkpoint", "problems:PromptSet"], view.FindAll("g.node[data-stage=eval] g.port.in").Select(p => $"{p.GetAttribute("data-port")}:{p.GetAttribute("data-type")}"));
        Assert.Equal("test", view.Find("g.edge-label text").TextContent);
        Assert.Equal("2", view.Find("g.node[data-stage=eval] [data-testid=error-badge] text").TextContent);
        Assert.Empty(view.FindAll("g.node[data-stage=data] [data-testid=error-badge]"));

        // Dragging data's train output: eval's PromptSet input lights up, its Checkpoint input is refused with the reason.
        view.InvokeAsync(() => view.Instance.ConnectStart("data", "train"));
        Assert.Contains("compatible", view.Find("g.node[data-stage=eval] g.port.in[data-port=problems]").ClassList);
        var refused = view.Find("g.node[data-stage=eval] g.port.in[data-port=checkpoint]");
        Assert.Contains("refused", refused.ClassList);
        Assert.Contains("cannot feed a Checkpoint", refused.QuerySelector("title")!.TextContent, StringComparison.Ordinal);
        view.InvokeAsync(() => view.Instance.ConnectEnd("eval", "checkpoint"));
        Assert.Contains("Not connected: a PromptSet", view.Find("[data-testid=graph-message]").TextContent, StringComparison.Ordinal);
        Assert.Empty(view.FindAll("g.port.in.refused"));
    }

    [Fact]
    public void GraphView_ShowsRunStates_ProgressAndASparkline()
    {
        var graph = WorkflowGraph.Build(WorkflowParser.TryParse(Yaml, [])!, Catalog);
        var running = new NodeRunState { Status = "running", Progress = 0.5, MetricName = "eval/avg@1" };
        running.Metric.AddRange([0.1, 0.4, 0.3]);
        var states = new Dictionary<string, NodeRunState> { ["data"] = new() { Status = "succeeded" }, ["eval"] = running };
        var view = Render<GraphView>(p => p.Add(x => x.Graph, graph).Add(x => x.States, states));
        Assert.Equal("succeeded", view.Find("g.node[data-stage=data]").GetAttribute("data-status"));
        var eval = graph.Find("eval")!;
        var bar = view.Find("g.node[data-stage=eval] rect.progress");
        Assert.Equal(((eval.Width - 8) * 0.5).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture), bar.GetAttribute("width"));
        // Three points: min at the bottom of the 26 px box, max at the top.
        var points = view.Find("g.node[data-stage=eval] polyline.spark").GetAttribute("points")!.Split(' ')
            .Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(eval.Y + 22 + 26, points[0], 1);
        Assert.Equal(eval.Y + 22, points[1], 1);
    }

    [Theory]
    [InlineData("evaluate[policy=sft]", "evaluate")]
    [InlineData("data", "data")]
    [InlineData("rl[iter=2].update", "rl/update")]
    [InlineData("sweep[lr=0.5]", "sweep")]
    [InlineData("rl[iter=0].eval[policy=a]", "rl/eval")]
    public void RunStates_MapInstanceIdsToGraphPaths(string instance, string path) => Assert.Equal(path, RunStates.PathOf(instance));

    [Fact]
    public void RunStates_CombineInstancesOfOneNode()
    {
        Assert.Equal("running", RunStates.Combine(["succeeded", "running"]));
        Assert.Equal("failed", RunStates.Combine(["running", "failed"]));
        Assert.Equal("succeeded", RunStates.Combine(["succeeded", "cached"]));
        Assert.Equal("pending", RunStates.Combine(["succeeded", "pending"]));
        Assert.Equal("pending", RunStates.Combine([]));
    }
}
