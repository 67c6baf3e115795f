using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Workflows.Tests;

/// <summary>The CLI's <c>-p name=value</c> and the server's params share this parsing.</summary>
public sealed class ParamOverridesTests
{
    [Theory]
    [InlineData("2", "2")]
    [InlineData("0.5", "0.5")]
    [InlineData("true", "true")]
    [InlineData("tbrm", "\"tbrm\"")]
    [InlineData("[1,2]", "[1,2]")]
    [InlineData("{a: 1, b: [x]}", "{\"a\":1,\"b\":[\"x\"]}")]
    [InlineData("", "null")]
    public void Values_AreTypedLikeYaml(string text, string json) =>
        Assert.Equal(json, ParamOverrides.ParseValue(text)?.ToJsonString() ?? "null");

    [Fact]
    public void TryParse_SplitsAtTheFirstEquals_AndNamesABadItem()
    {
        Assert.True(ParamOverrides.TryParse(["seed=3", "note=a=b"], out var overrides, out var error));
        Assert.Null(error);
        Assert.Equal(3, overrides["seed"]!.GetValue<long>());
        Assert.Equal("a=b", overrides["note"]!.GetValue<string>());
        Assert.False(ParamOverrides.TryParse(["seed"], out _, out error));
        Assert.Equal("-p expects name=value, got 'seed'", error);
    }

    [Fact]
    public void FromPairs_ParsesEachValue() =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[1,2]"), ParamOverrides.FromPairs([new("seeds", "[1,2]")])["seeds"]));
}
