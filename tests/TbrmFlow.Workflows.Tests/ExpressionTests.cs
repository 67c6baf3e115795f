using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Expressions;

namespace TbrmFlow.Workflows.Tests;

public sealed class ExpressionTests
{
    private static readonly JsonObject Scope = new()
    {
        ["params"] = new JsonObject { ["lr"] = 0.5, ["steps"] = 10, ["name"] = "tbrm", ["list"] = new JsonArray(3, 1, 2), ["on"] = true },
        ["stages"] = new JsonObject { ["data"] = new JsonObject { ["outputs"] = new JsonObject { ["train"] = new JsonObject { ["kind"] = "PromptSet", ["path"] = "/p", ["hash"] = "h" } } } },
        ["matrix"] = new JsonObject { ["policy"] = "data" },
        ["run"] = new JsonObject { ["id"] = "r1" },
    };

    private static JsonNode? Eval(string text) => Template.Parse(text).Evaluate(Scope);

    [Theory]
    [InlineData("${{ 1 + 2 * 3 }}", "7")]
    [InlineData("${{ (1 + 2) * 3 }}", "9")]
    [InlineData("${{ 7 / 2 }}", "3.5")]
    [InlineData("${{ 7 % 4 - -1 }}", "4")]
    [InlineData("${{ params.steps * 2 }}", "20")]
    [InlineData("${{ params.lr * 2 }}", "1")]
    [InlineData("${{ 1 < 2 && 2 <= 2 && 3 > 2 && !(1 >= 2) }}", "true")]
    [InlineData("${{ params.name == 'tbrm' || false }}", "true")]
    [InlineData("${{ 'a' != 'a' }}", "false")]
    [InlineData("${{ null || 'fallback' }}", "\"fallback\"")]
    [InlineData("${{ format('{0}-{1}', params.name, 3) }}", "\"tbrm-3\"")]
    [InlineData("${{ format('{{literal}} {0}', 1) }}", "\"{literal} 1\"")]
    [InlineData("${{ contains(params.list, 2) }}", "true")]
    [InlineData("${{ contains('TBRM run', 'tbrm') }}", "true")]
    [InlineData("${{ min(params.list) }}", "1")]
    [InlineData("${{ max(4, params.steps, 7) }}", "10")]
    [InlineData("${{ length(params.list) }}", "3")]
    [InlineData("${{ params.list[0] + params.list[-1] }}", "5")]
    [InlineData("${{ stages[matrix.policy].outputs.train.hash }}", "\"h\"")]
    [InlineData("${{ run.id }}", "\"r1\"")]
    [InlineData("${{ 1.5e2 }}", "150")]
    [InlineData("${{ 'it''s' }}", "\"it's\"")]
    public void Evaluates(string text, string expectedJson) =>
        Assert.Equal(expectedJson, Eval(text)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

    [Fact]
    public void SingleExpression_KeepsTheValuesType()
    {
        Assert.IsType<JsonObject>(Eval("${{ stages.data.outputs.train }}"));
        Assert.Equal("10", Eval("${{ params.steps }}")!.ToJsonString());
        Assert.True(Eval("  ${{ params.on }}") is JsonValue v && v.GetValue<string>() == "  true");
    }

    [Fact]
    public void Interpolation_FormatsEachExpressionIntoTheText() =>
        Assert.Equal("run r1: lr=0.5 steps=10 list=[3,1,2]", Eval("run ${{ run.id }}: lr=${{ params.lr }} steps=${{ params.steps }} list=${{ params.list }}")!.GetValue<string>());

    [Fact]
    public void HyphenatedNames_AreIdentifiers_AndSpacedMinusIsSubtraction()
    {
        var scope = new JsonObject { ["stages"] = new JsonObject { ["eval-sft"] = new JsonObject { ["outputs"] = new JsonObject { ["n"] = 5 } } } };
        Assert.Equal(3, Template.Parse("${{ stages.eval-sft.outputs.n - 2 }}").Evaluate(scope)!.GetValue<long>());
    }

    [Theory]
    [InlineData("${{ 1 + }}", 8, "unexpected end of expression")]
    [InlineData("${{ params.lr ) }}", 14, "unexpected ')'")]
    [InlineData("${{ 'open }}", 0, "'${{' without a closing '}}'")]
    [InlineData("x ${{ a", 2, "'${{' without a closing '}}'")]
    [InlineData("${{ }}", 3, "empty expression")]
    [InlineData("${{ a # b }}", 6, "unexpected character '#'")]
    [InlineData("${{ f(1 }}", 8, "missing ')'")]
    public void SyntaxErrors_CarryTheirOffset(string text, int offset, string message)
    {
        var e = Assert.Throws<ExpressionException>(() => Template.Parse(text));
        Assert.Equal(message, e.Message);
        Assert.Equal(offset, e.Position);
    }

    [Theory]
    [InlineData("${{ params.nope }}", "no 'nope' here (available: lr, steps, name, list, on)")]
    [InlineData("${{ nope.x }}", "unknown name 'nope' (known: params, stages, matrix, run)")]
    [InlineData("${{ params.name * 2 }}", "expected a number, got the string 'tbrm'")]
    [InlineData("${{ 1 / 0 }}", "division by zero")]
    [InlineData("${{ params.list[5] }}", "index 5 out of range (length 3)")]
    [InlineData("${{ format('{1}', 1) }}", "format(): bad placeholder in '{1}' (1 argument(s))")]
    [InlineData("${{ nope(1) }}", "unknown function 'nope' (functions: format, contains, min, max, length, join)")]
    public void EvaluationErrors_SayWhatIsWrong(string text, string message) =>
        Assert.Equal(message, Assert.Throws<ExpressionException>(() => Eval(text)).Message);
}
