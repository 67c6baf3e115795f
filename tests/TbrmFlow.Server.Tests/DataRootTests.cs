using System.Text.Json.Nodes;
using static TbrmFlow.Server.Tests.TbrmFlowServerFactory;

namespace TbrmFlow.Server.Tests;

/// <summary>What a run started through the server may read: files below the data roots and artifacts, and no error quotes a file.</summary>
public sealed class DataRootTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>
{
    private const string Secret = "hunter2-do-not-print";

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/passwd")]
    [InlineData("DATA/../../outside.jsonl")]
    public async Task PathOutsideTheDataRoots_FailsTheStageBeforeItStarts(string path)
    {
        var outside = Path.Combine(factory.Root, "outside.jsonl");
        await File.WriteAllTextAsync(outside, $"{{\"question\": \"{Secret}\", \"answer\": \"1\"}}\n");
        var run = await LoadAsync("outside-" + Math.Abs(path.GetHashCode(StringComparison.Ordinal)), path.Replace("DATA", factory.DataDirectory, StringComparison.Ordinal));
        Assert.Equal("failed", Status(run));
        var stage = StageOf(run, "load");
        Assert.Equal(0, (int)stage["attempts"]!);
        Assert.Contains("outside the directories this server lets runs read", (string?)stage["error"], StringComparison.Ordinal);
        Assert.Contains(factory.DataDirectory, (string?)stage["error"], StringComparison.Ordinal);
        Assert.DoesNotContain("root:", run.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileInADataRoot_IsRead_AndUpstreamArtifactsAreAllowed()
    {
        await File.WriteAllTextAsync(Path.Combine(factory.DataDirectory, "ok.jsonl"), "{\"question\": \"1+1\", \"answer\": \"2\"}\n{\"question\": \"2+2\", \"answer\": \"4\"}\n");
        var run = await LoadAsync("inside", Path.Combine(factory.DataDirectory, "ok.jsonl"), then: """
              again:
                uses: data.template
                with: { problems: "${{ stages.load.outputs.train }}" }
            """);
        Assert.Equal("succeeded", Status(run));
        Assert.Equal("succeeded", (string?)StageOf(run, "again")["status"]);
    }

    [Fact]
    public async Task FileThatIsNotJson_FailsWithAPositionOnly_NeverItsText()
    {
        await File.WriteAllTextAsync(Path.Combine(factory.DataDirectory, "secret.jsonl"), $"{Secret}\n");
        var run = await LoadAsync("secret", Path.Combine(factory.DataDirectory, "secret.jsonl"));
        Assert.Equal("failed", Status(run));
        var error = (string?)StageOf(run, "load")["error"];
        Assert.Contains("secret.jsonl:1: malformed JSON: not valid JSON at line 1, byte 1", error, StringComparison.Ordinal);
        Assert.DoesNotContain("'h'", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.ToJsonString(), StringComparison.Ordinal);
    }

    private async Task<JsonNode> LoadAsync(string name, string path, string then = "")
    {
        await File.WriteAllTextAsync(Path.Combine(factory.WorkflowsDirectory, name + ".yaml"),
            $"name: {name}\nstages:\n  load:\n    uses: data.load\n    cache: false\n    with: {{ path: \"{path}\" }}\n{then}");
        using var client = factory.CreateAuthorizedClient();
        var id = await factory.StartRunAsync(client, name);
        return await WaitForRunAsync(client, id, Finished);
    }
}
