using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Analysis;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Workflows.Tests;

public sealed class MatrixTests
{
    private static readonly JsonObject Scope = new() { ["params"] = new JsonObject { ["seeds"] = new JsonArray(1, 2) } };

    private static List<string> Ids(MatrixDefinition m) => [.. MatrixExpander.Expand(m, Scope).Select(c => MatrixExpander.InstanceId("s", c))];

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void CartesianProduct_InAxisOrder()
    {
        var m = new MatrixDefinition { Axes = [new("lr", new JsonArray(0.1, 0.2)), new("seed", new JsonArray(1, 2))] };
        Assert.Equal(["s[lr=0.1,seed=1]", "s[lr=0.1,seed=2]", "s[lr=0.2,seed=1]", "s[lr=0.2,seed=2]"], Ids(m));
    }

    [Fact]
    public void Exclude_RemovesEveryCellItMatches()
    {
        var m = new MatrixDefinition
        {
            Axes = [new("lr", new JsonArray(0.1, 0.2)), new("seed", new JsonArray(1, 2))],
            Exclude = [Obj("""{"lr":0.2}"""), Obj("""{"lr":0.1,"seed":2}""")],
        };
        Assert.Equal(["s[lr=0.1,seed=1]"], Ids(m));
    }

    [Fact]
    public void Include_ExtendsMatchingCells_OrAddsNewOnes()
    {
        var m = new MatrixDefinition
        {
            Axes = [new("policy", new JsonArray("sft", "tbrm"))],
            Include = [Obj("""{"policy":"tbrm","beta":0.05}"""), Obj("""{"policy":"grpo","group":4}""")],
        };
        Assert.Equal(["s[policy=sft]", "s[policy=tbrm,beta=0.05]", "s[policy=grpo,group=4]"], Ids(m));
    }

    [Fact]
    public void TemplateAxis_IsEvaluatedFromParams()
    {
        var m = new MatrixDefinition { Axes = [new("seed", JsonValue.Create("${{ params.seeds }}"))] };
        Assert.Equal(["s[seed=1]", "s[seed=2]"], Ids(m));
    }

    [Fact]
    public void Dependencies_FollowReferencesAndEvaluateMatrixKeys()
    {
        var stage = new StageDefinition
        {
            Id = "eval",
            Uses = "t.eval",
            Needs = ["data"],
            With = new JsonObject { ["checkpoint"] = "${{ stages[matrix.policy].outputs.checkpoint }}", ["problems"] = "${{ stages.data.outputs.train }}" },
        };
        Assert.Equal(["data", "tbrm"], Dependencies.Of(stage, Obj("""{"policy":"tbrm"}"""), Scope));
    }

    [Fact]
    public void RepeatWithAMatrix_SubStagesMayReadTheCell_AndTyposAreReported()
    {
        const string Text = """
            name: sweep
            stages:
              data: { uses: t.data }
              loop:
                matrix: { lr: [0.1, 0.2] }
                repeat: 2
                carry: { steps: 1 }
                stages:
                  fit: { uses: t.train, with: { prompts: "${{ stages.data.outputs.train }}", lr: "${{ matrix.lr }}", steps: "${{ loop.steps }}" } }
                next: { steps: "${{ loop.steps + 1 }}" }
            """;
        var (workflow, diagnostics) = Validation.WorkflowValidator.Load(Text, Support.TestActivities.Catalog);
        Assert.Empty(diagnostics);
        Assert.NotNull(workflow!.Stages[1].Matrix);

        var (_, bad) = Validation.WorkflowValidator.Load(Text.Replace("matrix.lr }}\", steps", "matrix.rl }}\", steps", StringComparison.Ordinal), Support.TestActivities.Catalog);
        var error = Assert.Single(bad);
        Assert.Contains("'matrix.rl'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'lr'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedRepeat_Validates_AndAnOuterStageCycleThroughTheInnerLoopIsReported()
    {
        const string Text = """
            name: nested
            stages:
              data: { uses: t.data }
              outer:
                matrix: { lr: [0.1] }
                repeat: 2
                carry: { steps: 1 }
                stages:
                  inner:
                    repeat: "${{ loop.steps }}"
                    carry: { s: "${{ loop.steps }}" }
                    stages:
                      fit: { uses: t.train, with: { prompts: "${{ stages.data.outputs.train }}", lr: "${{ matrix.lr }}", steps: "${{ loop.s }}" } }
                    next: { s: "${{ loop.s + 1 }}" }
                next: { steps: "${{ stages.inner.outputs.s }}" }
            """;
        var (workflow, diagnostics) = Validation.WorkflowValidator.Load(Text, Support.TestActivities.Catalog);
        Assert.Empty(diagnostics);
        Assert.NotNull(workflow!.Stages[1].Repeat!.Stages[0].Repeat);

        // data now reads the outer loop's result while the inner loop reads data: a cycle across two levels.
        var cyclic = Text.Replace("data: { uses: t.data }", "data: { uses: t.data, with: { size: \"${{ stages.outer.outputs.steps }}\" } }", StringComparison.Ordinal);
        var (_, bad) = Validation.WorkflowValidator.Load(cyclic, Support.TestActivities.Catalog);
        Assert.Contains(bad, d => d.Code == "TF0023" && d.Message.Contains("data", StringComparison.Ordinal) && d.Message.Contains("outer", StringComparison.Ordinal));
    }
}
