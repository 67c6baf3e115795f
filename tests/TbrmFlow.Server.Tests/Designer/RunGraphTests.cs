using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Server.Designer;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Tests.Designer;

/// <summary>A run page draws the workflow where the user placed its stages in the designer (the library's layout sidecar).</summary>
public sealed class RunGraphTests : IDisposable
{
    private static readonly ActivityCatalog Catalog = ActivityCatalog.FromApplication();

    private const string Text = """
        name: placed
        stages:
          data: { uses: data.arithmetic }
          sft: { uses: rl.sft, with: { train: "${{ stages.data.outputs.train }}" } }
          later: { uses: eval.math }
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("tbrmflow-rungraph-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private WorkflowLibrary Library() => new(new ServerOptions
    {
        WorkflowsDirectory = _root,
        HomeDirectory = _root,
        MlrunsDirectory = Path.Combine(_root, "mlruns"),
        Urls = "http://127.0.0.1:0",
    }, Catalog);

    private static RunDetailDto Run(string workflow, string? sourceFile) => new(
        new RunSummaryDto("r1", workflow, "succeeded", DateTime.UtcNow, DateTime.UtcNow, null, false),
        workflow, sourceFile, [], [], Text);

    [Theory]
    [InlineData("placed", null)]                         // found by the workflow's name
    [InlineData("renamed-in-yaml", "/elsewhere/placed.yaml")] // found by the file's name
    public async Task KeptPositions_AreApplied_AndUnknownStagesArePlacedFreely(string workflow, string? sourceFile)
    {
        var library = Library();
        var layout = new WorkflowLayout();
        layout.Set("sft", 600, 300);
        layout.Set("data", 40, 300);
        await library.WriteLayoutAsync("placed", layout.ToJson(), CancellationToken.None);

        var graph = RunGraph.Build(Run(workflow, sourceFile), Catalog, library);

        Assert.Equal((600d, 300d), (graph.Find("sft")!.X, graph.Find("sft")!.Y));
        Assert.Equal((40d, 300d), (graph.Find("data")!.X, graph.Find("data")!.Y));
        var later = graph.Find("later")!;
        Assert.DoesNotContain(graph.Nodes.Where(n => n != later), n => later.X < n.X + n.Width && n.X < later.X + later.Width && later.Y < n.Y + n.Height && n.Y < later.Y + later.Height);
    }

    [Fact]
    public void WithoutASidecar_TheAutomaticLayoutIsKept()
    {
        var library = Library();
        var automatic = WorkflowGraph.Build(TbrmFlow.Workflows.Parsing.WorkflowParser.Parse(Text, "placed.yaml"), Catalog);

        var graph = RunGraph.Build(Run("placed", null), Catalog, library);

        Assert.Equal(automatic.Nodes.Select(n => (n.Id, n.X, n.Y)), graph.Nodes.Select(n => (n.Id, n.X, n.Y)));
    }
}
