using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Server.Designer;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Server.Tests.Designer;

/// <summary>The designer's graph: edges from needs and references (matrix keys resolved), repeat frames, layers.</summary>
public sealed class WorkflowGraphTests
{
    private static readonly ActivityCatalog Catalog = ActivityCatalog.FromApplication();

    private static string RepoFile(string path)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "TbrmFlow.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir.FullName, path);
    }

    [Fact]
    public void Quickstart_HasFourNodes_MatrixReferencesBecomeEdges_AndLayersFollowDependencies()
    {
        var graph = WorkflowGraph.Build(WorkflowParser.ParseFile(RepoFile("workflows/quickstart.yaml")), Catalog, ports: true);
        Assert.Equal(["data", "sft", "tbrm", "evaluate"], graph.Nodes.Select(n => n.Path));
        Assert.Equal(["data", "rl", "rl", "eval"], graph.Nodes.Select(n => n.Category));
        var pairs = graph.Edges.Select(e => $"{e.From}->{e.To}").Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["data->evaluate", "data->sft", "data->tbrm", "sft->evaluate", "sft->tbrm", "tbrm->evaluate"], pairs);
        Assert.Contains(new GraphEdge("sft", "tbrm", "checkpoint", "policy"), graph.Edges);
        Assert.Equal([0, 1, 2, 3], graph.Nodes.Select(n => n.Layer));
        var evaluate = graph.Find("evaluate")!;
        Assert.Equal(["policy=sft", "policy=tbrm"], evaluate.Cells);
        // The designer (ports): left to right, each layer a column to the right of the previous one.
        Assert.False(graph.Vertical);
        Assert.All(graph.Nodes.Zip(graph.Nodes.Skip(1)), p => Assert.True(p.First.X + p.First.Width < p.Second.X));
        // The run view (no ports, a narrow pane): top to bottom, each layer a row below the previous one.
        var runView = WorkflowGraph.Build(WorkflowParser.ParseFile(RepoFile("workflows/quickstart.yaml")), Catalog);
        Assert.True(runView.Vertical);
        Assert.All(runView.Nodes.Zip(runView.Nodes.Skip(1)), p => Assert.True(p.First.Y + p.First.Height < p.Second.Y));
    }

    [Fact]
    public void RepeatStage_IsAFrameAroundItsSubStages()
    {
        var graph = WorkflowGraph.Build(WorkflowParser.ParseFile(RepoFile("workflows/off-policy-tbrm.yaml")), Catalog);
        var frame = graph.Find("rl")!;
        Assert.True(frame.IsGroup);
        Assert.Equal(["rl/rollout", "rl/update"], frame.Children.Select(c => c.Path));
        Assert.Contains(graph.Edges, e => e is { From: "rl/rollout", To: "rl/update", Output: "rollouts", Input: "rollouts" });
        Assert.Contains(graph.Edges, e => e is { From: "sft", To: "rl" });
        Assert.Contains(graph.Edges, e => e is { From: "data", To: "rl/rollout" });
        foreach (var child in frame.Children)
        {
            Assert.InRange(child.X, frame.X, frame.X + frame.Width - child.Width);
            Assert.InRange(child.Y, frame.Y, frame.Y + frame.Height - child.Height);
        }
    }

    [Fact]
    public void WideWorkflow_LaysOutWithoutOverlaps()
    {
        var lines = new List<string> { "name: wide", "stages:", "  data: { uses: data.arithmetic }" };
        for (var i = 0; i < 40; i++)
        {
            lines.Add($"  e{i}: {{ uses: eval.math, with: {{ problems: \"${{{{ stages.data.outputs.test }}}}\", checkpoint: \"x{i}\" }} }}");
        }
        var graph = WorkflowGraph.Build(WorkflowParser.Parse(string.Join('\n', lines), "wide.yaml"), Catalog, ports: true);
        Assert.Equal(41, graph.Nodes.Count);
        var column = graph.Nodes.Where(n => n.Layer == 1).OrderBy(n => n.Y).ToList();
        Assert.Equal(40, column.Count);
        Assert.All(column.Zip(column.Skip(1)), p => Assert.True(p.First.Y + p.First.Height <= p.Second.Y));
        Assert.True(graph.Height >= column[^1].Y + column[^1].Height);
    }
}
