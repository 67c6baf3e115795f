using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Server.Designer;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Server.Tests.Designer;

/// <summary>The layout sidecar: positions survive a round trip, broken sidecars are ignored, new stages take free grid spots.</summary>
public sealed class WorkflowLayoutTests
{
    private static readonly ActivityCatalog Catalog = ActivityCatalog.FromApplication();

    private const string Text = """
        name: l
        stages:
          data: { uses: data.arithmetic }
          loop:
            repeat: 2
            stages:
              a: { uses: rl.sft, with: { train: "${{ stages.data.outputs.train }}" } }
          extra: { uses: eval.math }
        """;

    [Fact]
    public void Json_RoundTrips_RoundedAndSorted_AndEmptyMeansNoSidecar()
    {
        var layout = new WorkflowLayout();
        Assert.Null(layout.ToJson());
        layout.Set("sft", 300.4, 20);
        layout.Set("data", 20, 40.6);
        var json = layout.ToJson()!;
        Assert.Equal("{\n  \"version\": 1,\n  \"nodes\": {\n    \"data\": {\n      \"x\": 20,\n      \"y\": 41\n    },\n    \"sft\": {\n      \"x\": 300,\n      \"y\": 20\n    }\n  }\n}\n",
            json.ReplaceLineEndings("\n"));
        var back = WorkflowLayout.Parse(json);
        Assert.Equal((300d, 20d), back["sft"]);
        back.Rename("sft", "warm");
        Assert.Null(back["sft"]);
        Assert.Equal((300d, 20d), back["warm"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json {")]
    [InlineData("[1, 2]")]
    [InlineData("{\"nodes\": {\"a\": {\"x\": \"left\", \"y\": 1}, \"b\": 3}}")]
    public void Parse_OfABrokenSidecar_IsEmpty(string? json) => Assert.True(WorkflowLayout.Parse(json).IsEmpty);

    [Fact]
    public void Apply_MovesKeptNodes_FramesWithTheirSubStages_AndPlacesTheRestInFreeGridSpots()
    {
        var graph = WorkflowGraph.Build(WorkflowParser.Parse(Text, "l.yaml"), Catalog, ports: true);
        var frame = graph.Find("loop")!;
        var child = graph.Find("loop/a")!;
        var offset = (child.X - frame.X, child.Y - frame.Y);
        var layout = new WorkflowLayout();
        layout.Set("loop", 500, 300);
        layout.Set("data", 20, 20);
        layout.Apply(graph);
        Assert.Equal((500d, 300d), (frame.X, frame.Y));
        Assert.Equal((500 + offset.Item1, 300 + offset.Item2), (child.X, child.Y));
        Assert.Equal((20d, 20d), (graph.Find("data")!.X, graph.Find("data")!.Y));
        // extra has no position: the first grid cell that overlaps nothing (data holds the first).
        var extra = graph.Find("extra")!;
        Assert.Equal((20 + WorkflowLayout.CellWidth, 20d), (extra.X, extra.Y));
        Assert.True(graph.Width >= frame.X + frame.Width && graph.Height >= frame.Y + frame.Height);
    }

    [Fact]
    public void FreeSpot_FillsTheGridRowByRow_WithoutOverlaps()
    {
        var nodes = new List<GraphNode>();
        for (var i = 0; i < 7; i++)
        {
            var (x, y) = WorkflowLayout.FreeSpot(nodes);
            Assert.DoesNotContain(nodes, n => x < n.X + n.Width && n.X < x + GraphLayout.NodeWidth && y < n.Y + n.Height && n.Y < y + GraphLayout.NodeHeight);
            nodes.Add(new GraphNode { Path = $"n{i}", Id = $"n{i}", Uses = "x", Category = "data", X = x, Y = y });
        }
        Assert.Equal(3, nodes.Select(n => n.X).Distinct().Count()); // GridColumns
        Assert.Equal(3, nodes.Select(n => n.Y).Distinct().Count());  // 7 nodes: rows of 3, 3, 1
        Assert.Equal(nodes[0].X, nodes[3].X);
    }
}
