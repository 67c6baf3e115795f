using System.Text.Json.Nodes;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Server.Designer;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Server.Tests.Designer;

/// <summary>The designer's graph editing in plain C#: port types, connection refusals (types, cycles), stage rename and delete in the text, error badges.</summary>
public sealed class GraphEditingTests
{
    private static readonly ActivityCatalog Catalog = ActivityCatalog.FromApplication();

    private const string Chain = """
        name: chain
        stages:
          data:
            uses: data.arithmetic
          sft:
            uses: rl.sft
            with: { train: "${{ stages.data.outputs.train }}", steps: 5 }
          tbrm:
            uses: rl.tbrm
            needs: [data, sft]
            with:
              policy: "${{ stages.sft.outputs.checkpoint }}"
              prompts: "${{ stages.data.outputs.train }}"
          eval:
            uses: eval.math
            needs:
              - data
              - tbrm
            with:
              checkpoint: "${{ stages['tbrm'].outputs.checkpoint }}"
              problems: "${{ stages.data.outputs.test }}"
            description: stages.tbrm is mentioned here outside an expression
          tbrm2:
            uses: rl.tbrm
            with: { policy: "${{ stages.tbrm.outputs.checkpoint }}", prompts: "${{ stages.data.outputs.train }}" }
        """;

    private static WorkflowGraph Graph(string text) => WorkflowGraph.Build(WorkflowParser.Parse(text, "t.yaml"), Catalog, ports: true);

    [Fact]
    public void Ports_CarryTheWorkflowTypeNames_ArtifactInputsAndBoundInputs()
    {
        var graph = Graph(Chain);
        var sft = graph.Find("sft")!;
        // train and init are artifacts (PromptSet, Checkpoint); steps is an int literal, not bound to an output: no port.
        Assert.Equal(["train:PromptSet", "init:Checkpoint"], sft.InPorts.Select(p => $"{p.Name}:{p.TypeName}"));
        Assert.Equal("checkpoint:Checkpoint", $"{sft.OutPorts[0].Name}:{sft.OutPorts[0].TypeName}");
        Assert.Contains(sft.OutPorts, p => p is { Name: "final_loss", TypeName: "float" });
        Assert.Equal(["train:PromptSet", "test:PromptSet"], graph.Find("data")!.OutPorts.Select(p => $"{p.Name}:{p.TypeName}"));
        // Taller nodes for more port rows; without ports (run view) every node has the compact height.
        Assert.Equal(GraphLayout.HeightWithPorts(Math.Max(sft.InPorts.Count, sft.OutPorts.Count)), sft.Height);
        Assert.All(WorkflowGraph.Build(WorkflowParser.Parse(Chain, "t.yaml"), Catalog).AllNodes, n => Assert.Empty(n.InPorts));
    }

    [Fact]
    public void Incompatibility_SameTypeOrIntIntoFloat_ArtifactsByKind()
    {
        Assert.Null(PortRules.Incompatibility(typeof(Checkpoint), typeof(Checkpoint)));
        Assert.Null(PortRules.Incompatibility(typeof(long), typeof(double)));
        Assert.Null(PortRules.Incompatibility(typeof(int), typeof(long?)));
        Assert.Null(PortRules.Incompatibility(typeof(List<int>), typeof(IReadOnlyList<long>)));
        Assert.Equal("a Checkpoint (an upstream output or a path) output cannot feed a PromptSet (an upstream output or a path) input",
            PortRules.Incompatibility(typeof(Checkpoint), typeof(PromptSet)));
        Assert.Equal("a float output cannot feed a int input", PortRules.Incompatibility(typeof(double), typeof(int)));
        Assert.NotNull(PortRules.Incompatibility(typeof(List<int>), typeof(List<string>)));
        Assert.NotNull(PortRules.Incompatibility(typeof(double), typeof(Checkpoint)));
    }

    [Fact]
    public void Refusal_TypesSelfAndCycles_AreRefusedWithTheReason_CompatibleForwardConnectionsAllowed()
    {
        var graph = Graph(Chain);
        Assert.Null(PortRules.Refusal(graph, "sft", "checkpoint", "tbrm", "reference"));
        Assert.Null(PortRules.Refusal(graph, "data", "test", "tbrm2", "prompts"));
        Assert.Contains("cannot feed a PromptSet", PortRules.Refusal(graph, "sft", "checkpoint", "eval", "problems"), StringComparison.Ordinal);
        Assert.Equal("a stage cannot feed itself", PortRules.Refusal(graph, "tbrm", "checkpoint", "tbrm", "reference"));
        // sft -> tbrm -> eval already: eval's or tbrm's checkpoint into sft's init would close a loop.
        Assert.Equal("'sft' already runs before 'tbrm': the connection would make a cycle", PortRules.Refusal(graph, "tbrm", "checkpoint", "sft", "init"));
        Assert.Contains("cycle", PortRules.Refusal(graph, "tbrm2", "checkpoint", "sft", "init"), StringComparison.Ordinal);
        Assert.Equal("'eval' has no input 'nope'", PortRules.Refusal(graph, "tbrm", "checkpoint", "eval", "nope"));
        Assert.True(PortRules.Reaches(graph, "data", "tbrm2"));
        Assert.False(PortRules.Reaches(graph, "tbrm2", "data"));
    }

    [Fact]
    public void Refusal_InsideARepeat_SubStagesAreDistinct_AndTheirOutputsStayInside()
    {
        const string text = """
            name: r
            stages:
              data: { uses: data.arithmetic }
              sft: { uses: rl.sft, with: { train: "${{ stages.data.outputs.train }}" } }
              loop:
                repeat: 2
                stages:
                  a: { uses: rl.sft, with: { train: "${{ stages.data.outputs.train }}" } }
                  b: { uses: rl.sft, with: { train: "${{ stages.data.outputs.train }}" } }
              after: { uses: rl.sft, with: { train: "${{ stages.data.outputs.train }}" } }
            """;
        var graph = Graph(text);
        Assert.Null(PortRules.Refusal(graph, "loop/a", "checkpoint", "loop/b", "init"));
        Assert.Null(PortRules.Refusal(graph, "sft", "checkpoint", "loop/a", "init"));
        Assert.Equal("the outputs of 'loop/a' are only visible inside repeat 'loop'", PortRules.Refusal(graph, "loop/a", "checkpoint", "after", "init"));
    }

    [Fact]
    public void RenameStage_RewritesTheKeyNeedsAndExpressionReferences_AndNothingElse()
    {
        var renamed = YamlPatcher.RenameStage(Chain, "tbrm", "online");
        var expected = Chain
            .Replace("  tbrm:\n", "  online:\n", StringComparison.Ordinal)
            .Replace("needs: [data, sft]", "needs: [data, sft]", StringComparison.Ordinal)
            .Replace("      - tbrm\n", "      - online\n", StringComparison.Ordinal)
            .Replace("stages['tbrm'].outputs", "stages['online'].outputs", StringComparison.Ordinal)
            .Replace("${{ stages.tbrm.outputs.checkpoint }}", "${{ stages.online.outputs.checkpoint }}", StringComparison.Ordinal);
        Assert.Equal(expected, renamed);
        // tbrm2 (a longer id with the same start) and the description outside ${{ }} are untouched.
        Assert.Contains("  tbrm2:\n", renamed, StringComparison.Ordinal);
        Assert.Contains("description: stages.tbrm is mentioned", renamed, StringComparison.Ordinal);
        Assert.Equal(["online"], Graph(renamed).Edges.Where(e => e is { To: "tbrm2", Input: "policy" }).Select(e => e.From).Distinct());
        // Flow needs too, and the file still parses to the same shape.
        var data = YamlPatcher.RenameStage(Chain, "data", "prep");
        Assert.Contains("needs: [prep, sft]", data, StringComparison.Ordinal);
        Assert.DoesNotContain("stages.data", data, StringComparison.Ordinal);
        Assert.Equal(Graph(Chain).Edges.Count, Graph(data).Edges.Count);
        Assert.Throws<InvalidOperationException>(() => YamlPatcher.RenameStage(Chain, "tbrm", "sft"));
        Assert.Throws<InvalidOperationException>(() => YamlPatcher.RenameStage(Chain, "tbrm", "Bad Id"));
    }

    [Fact]
    public void RemoveStageAndReferences_DropsItsNeedsAndTheInputsBoundToIt()
    {
        var text = YamlPatcher.RemoveStageAndReferences(Chain, "tbrm");
        const string expected = """
            name: chain
            stages:
              data:
                uses: data.arithmetic
              sft:
                uses: rl.sft
                with: { train: "${{ stages.data.outputs.train }}", steps: 5 }
              eval:
                uses: eval.math
                needs:
                  - data
                with:
                  problems: "${{ stages.data.outputs.test }}"
                description: stages.tbrm is mentioned here outside an expression
              tbrm2:
                uses: rl.tbrm
                with: { prompts: "${{ stages.data.outputs.train }}" }
            """;
        Assert.Equal(expected, text);
        var withoutSft = YamlPatcher.RemoveStageAndReferences(Chain, "sft");
        Assert.Contains("needs: [data]", withoutSft, StringComparison.Ordinal);
        Assert.DoesNotContain("policy:", withoutSft.Split("  eval:")[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: n\nstages: {}\n")]
    [InlineData("name: n\nstages:\n")]
    [InlineData("name: n\nstages:")]
    public void AddStage_ToAnEmptyStagesMapping_WritesABlock(string skeleton)
    {
        var text = YamlPatcher.AddStage(skeleton, "data", "data.arithmetic", []);
        Assert.StartsWith("name: n\nstages:\n  data:\n    uses: data.arithmetic", text, StringComparison.Ordinal);
        text = YamlPatcher.AddStage(text, "sft", "rl.sft", new JsonObject { ["steps"] = 5 });
        Assert.Equal(["data", "sft"], WorkflowParser.Parse(text, "t.yaml").Stages.Select(s => s.Id));
        Assert.EndsWith("  sft:\n    uses: rl.sft\n    with:\n      steps: 5" + (skeleton.EndsWith('\n') ? "\n" : ""), text, StringComparison.Ordinal);
    }

    [Fact]
    public void StageDiagnostics_BelongToTheStageWhoseLinesHoldThem()
    {
        var graph = Graph(Chain);
        var lineOf = (string id) => graph.Find(id)!.Line;
        var problems = StageDiagnostics.ByStage(graph, [
            (1, false, "header"),
            (lineOf("sft") + 2, false, "sft: first"),
            (lineOf("sft") + 1, true, "sft: warning"),
            (lineOf("eval") + 5, false, "eval: a"),
            (lineOf("eval") + 6, false, "eval: b"),
        ]);
        Assert.Equal(["eval", "sft"], problems.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new StageProblems(1, 1, "sft: first"), problems["sft"]);
        Assert.Equal(new StageProblems(2, 0, "eval: a"), problems["eval"]);
    }
}
