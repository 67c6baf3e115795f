using System.Text.Json;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Abstractions.Tests;

public sealed class ArtifactReferenceJsonTests
{
    [Fact]
    public void PlainPath_BindsToAReferenceWithoutHash()
    {
        var set = JsonSerializer.Deserialize<PromptSet>("\"data/train.jsonl\"", ActivityJson.Options)!;
        Assert.Equal("data/train.jsonl", set.Path);
        Assert.Null(set.Hash);
    }

    [Fact]
    public void ObjectForm_RoundTrips()
    {
        var checkpoint = new Checkpoint("/a/b", "abc123");
        var json = JsonSerializer.Serialize(checkpoint, ActivityJson.Options);
        Assert.Equal("{\"kind\":\"Checkpoint\",\"path\":\"/a/b\",\"hash\":\"abc123\"}", json);
        Assert.Equal(checkpoint, JsonSerializer.Deserialize<Checkpoint>(json, ActivityJson.Options));
    }

    [Fact]
    public void ReferenceOfAnotherKind_IsRefusedNamingBoth()
    {
        var error = Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize<Checkpoint>("{\"kind\":\"PromptSet\",\"path\":\"/x\"}", ActivityJson.Options));
        Assert.Contains("Checkpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("PromptSet", error.Message, StringComparison.Ordinal);
    }
}
