using System.Text.Json.Nodes;
using TbrmFlow.Server.Designer;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Server.Tests.Designer;

/// <summary>Graph edits patch the YAML text in place: comments, key order and styles survive.</summary>
public sealed class YamlPatcherTests
{
    private const string Text = """
        # header comment
        name: demo
        params:
          seed: 1
        stages:
          data:
            uses: data.arithmetic
            with: { digits: 2, seed: "${{ params.seed }}" }   # flow mapping, trailing comment
          # comment between stages
          fit:
            uses: demo.fit_sum
            with:
              problems: "${{ stages.data.outputs.train }}"  # where the problems come from
              steps: 1000
            # trailing comment inside fit
          loop:
            repeat: 2
            stages:
              inner:
                uses: demo.fit_sum
                with:
                  problems: "${{ stages.data.outputs.train }}"
        """;

    private static WorkflowDefinitionView Parse(string text) => new(WorkflowParser.Parse(text, "t.yaml"));

    private sealed record WorkflowDefinitionView(TbrmFlow.Workflows.Model.WorkflowDefinition Workflow)
    {
        public JsonNode? Input(string stage, string input)
        {
            var parts = stage.Split('/');
            var s = Workflow.Stages.Single(x => x.Id == parts[0]);
            if (parts.Length == 2)
            {
                s = s.Repeat!.Stages.Single(x => x.Id == parts[1]);
            }
            return s.With[input];
        }
    }

    [Fact]
    public void SetInput_ReplacesOnlyTheValue_InABlockMapping()
    {
        var patched = YamlPatcher.SetInput(Text, "fit", "steps", JsonValue.Create(250));
        Assert.Equal(Text.Replace("steps: 1000", "steps: 250", StringComparison.Ordinal), patched);
        Assert.Equal(250, (long)Parse(patched).Input("fit", "steps")!);
    }

    [Fact]
    public void SetInput_ReplacesOnlyTheValue_InAFlowMapping_KeepingTheTrailingComment()
    {
        var patched = YamlPatcher.SetInput(Text, "data", "digits", JsonValue.Create(3));
        Assert.Equal(Text.Replace("{ digits: 2,", "{ digits: 3,", StringComparison.Ordinal), patched);
    }

    [Fact]
    public void SetInput_QuotesATemplateAndReplacesAQuotedValueWithItsQuotes()
    {
        var patched = YamlPatcher.SetInput(Text, "fit", "problems", JsonValue.Create("${{ stages.data.outputs.test }}"));
        Assert.Equal(Text.Replace("problems: \"${{ stages.data.outputs.train }}\"  #", "problems: \"${{ stages.data.outputs.test }}\"  #", StringComparison.Ordinal), patched);
        Assert.Equal("${{ stages.data.outputs.test }}", (string?)Parse(patched).Input("fit", "problems"));
    }

    [Fact]
    public void SetInput_AddsAMissingInput_AfterTheLastEntry_WithItsIndentation()
    {
        var patched = YamlPatcher.SetInput(Text, "fit", "learning_rate", JsonValue.Create(0.5));
        Assert.Equal(Text.Replace("      steps: 1000\n", "      steps: 1000\n      learning_rate: 0.5\n", StringComparison.Ordinal), patched);
        var flow = YamlPatcher.SetInput(Text, "data", "train_size", JsonValue.Create(64));
        Assert.Equal(Text.Replace("seed: \"${{ params.seed }}\" }", "seed: \"${{ params.seed }}\", train_size: 64 }", StringComparison.Ordinal), flow);
        Assert.Equal(64, (long)Parse(flow).Input("data", "train_size")!);
    }

    [Fact]
    public void SetInput_AddsWith_WhenTheStageHasNone_AndReachesRepeatSubStages()
    {
        var noWith = Text.Replace("    with:\n      problems: \"${{ stages.data.outputs.train }}\"  # where the problems come from\n      steps: 1000\n", "", StringComparison.Ordinal);
        var patched = YamlPatcher.SetInput(noWith, "fit", "steps", JsonValue.Create(7));
        Assert.Contains("    uses: demo.fit_sum\n    with:\n      steps: 7\n", patched, StringComparison.Ordinal);
        Assert.Equal(7, (long)Parse(patched).Input("fit", "steps")!);

        var inner = YamlPatcher.SetInput(Text, "loop/inner", "steps", JsonValue.Create(3));
        Assert.Equal(3, (long)Parse(inner).Input("loop/inner", "steps")!);
        Assert.EndsWith("          problems: \"${{ stages.data.outputs.train }}\"\n          steps: 3", inner, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveInput_RemovesTheLine_OrTheFlowEntry()
    {
        var block = YamlPatcher.RemoveInput(Text, "fit", "steps");
        Assert.Equal(Text.Replace("      steps: 1000\n", "", StringComparison.Ordinal), block);
        var flow = YamlPatcher.RemoveInput(Text, "data", "digits");
        Assert.Equal(Text.Replace("{ digits: 2, seed:", "{ seed:", StringComparison.Ordinal), flow);
        var flowLast = YamlPatcher.RemoveInput(Text, "data", "seed");
        Assert.Equal(Text.Replace("{ digits: 2, seed: \"${{ params.seed }}\" }", "{ digits: 2 }", StringComparison.Ordinal), flowLast);
        Assert.Equal(Text, YamlPatcher.RemoveInput(Text, "fit", "not_there"));
    }

    [Fact]
    public void AddStage_AppendsAfterTheLastStage_AndRemoveStageTakesItsLinesOut()
    {
        var added = YamlPatcher.AddStage(Text, "eval", "eval.math", new JsonObject { ["k"] = 1 });
        Assert.StartsWith(Text, added, StringComparison.Ordinal);
        Assert.EndsWith("\n  eval:\n    uses: eval.math\n    with:\n      k: 1", added, StringComparison.Ordinal);
        var workflow = Parse(added).Workflow;
        Assert.Equal(["data", "fit", "loop", "eval"], workflow.Stages.Select(s => s.Id));
        Assert.Equal(Text, YamlPatcher.RemoveStage(added, "eval"));

        var withoutData = YamlPatcher.RemoveStage(Text, "data");
        Assert.Equal(Text.Replace("  data:\n    uses: data.arithmetic\n    with: { digits: 2, seed: \"${{ params.seed }}\" }   # flow mapping, trailing comment\n", "", StringComparison.Ordinal), withoutData);
        Assert.Throws<InvalidOperationException>(() => YamlPatcher.AddStage(Text, "fit", "demo.fit_sum", []));
    }

    [Fact]
    public void RoundTrip_ThroughSeveralEdits_KeepsEveryComment()
    {
        var text = YamlPatcher.SetInput(Text, "fit", "steps", JsonValue.Create(5));
        text = YamlPatcher.AddStage(text, "extra", "demo.fit_sum", []);
        text = YamlPatcher.SetInput(text, "extra", "problems", JsonValue.Create("${{ stages.data.outputs.train }}"));
        text = YamlPatcher.SetInput(text, "fit", "steps", JsonValue.Create(1000));
        text = YamlPatcher.RemoveStage(text, "extra");
        Assert.Equal(Text, text);
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("1.5", "\"1.5\"")]
    [InlineData("a: b", "\"a: b\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    public void Format_QuotesStringsThatYamlWouldReadDifferently(string value, string expected) =>
        Assert.Equal(expected, YamlPatcher.Format(JsonValue.Create(value)));

    [Fact]
    public void Format_WritesNumbersBooleansAndListsAsYamlReadsThem()
    {
        Assert.Equal("3", YamlPatcher.Format(JsonValue.Create(3)));
        Assert.Equal("0.25", YamlPatcher.Format(JsonValue.Create(0.25)));
        Assert.Equal("false", YamlPatcher.Format(JsonValue.Create(false)));
        Assert.Equal("[1,\"a b\"]", YamlPatcher.Format(new JsonArray(1, "a b")));
        Assert.Equal(JsonValue.Create(12L).ToJsonString(), YamlPatcher.ParseScalar("12")!.ToJsonString());
        Assert.Equal("text", (string?)YamlPatcher.ParseScalar("text"));
        Assert.True((bool)YamlPatcher.ParseScalar("true")!);
    }
}
