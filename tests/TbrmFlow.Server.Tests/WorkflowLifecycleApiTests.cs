using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using static TbrmFlow.Server.Tests.WorkflowApiTests;

namespace TbrmFlow.Server.Tests;

/// <summary>The workflow lifecycle behind the designer's New / Save as / Rename / Delete: copy and rename endpoints, the layout sidecar following the file, 409 on taken names, no way out of the folder.</summary>
public sealed class WorkflowLifecycleApiTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>
{
    private string File(string name) => Path.Combine(factory.WorkflowsDirectory, name);

    [Fact]
    public async Task CopyRenameDelete_MoveTheLayoutSidecarWithTheFile_AndRetitleAMatchingName()
    {
        using var client = factory.CreateAuthorizedClient();
        var text = (await System.IO.File.ReadAllTextAsync(File("hello.yaml"))).Replace("name: hello", "name: life-a", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync(Url("/api/workflows/life-a"), new { yaml = text })).StatusCode);
        const string layout = "{\"version\": 1, \"nodes\": {\"data\": {\"x\": 20, \"y\": 20}}}";
        await System.IO.File.WriteAllTextAsync(File("life-a.layout.json"), layout);

        var copied = await client.PostAsJsonAsync(Url("/api/workflows/life-a/copy"), new { to = "life-b" });
        Assert.Equal(HttpStatusCode.Created, copied.StatusCode);
        Assert.Equal("/api/workflows/life-b", copied.Headers.Location?.ToString());
        // The title followed the file name because it was the file name; everything else is byte for byte.
        Assert.Equal(text.Replace("name: life-a", "name: life-b", StringComparison.Ordinal), await System.IO.File.ReadAllTextAsync(File("life-b.yaml")));
        Assert.Equal(layout, await System.IO.File.ReadAllTextAsync(File("life-b.layout.json")));
        Assert.True(System.IO.File.Exists(File("life-a.yaml")));

        var renamed = await client.PostAsJsonAsync(Url("/api/workflows/life-b/rename"), new { to = "life-c" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Empty(JsonNode.Parse(await renamed.Content.ReadAsStringAsync())!["diagnostics"]!.AsArray());
        Assert.False(System.IO.File.Exists(File("life-b.yaml")));
        Assert.False(System.IO.File.Exists(File("life-b.layout.json")));
        Assert.StartsWith("name: life-c", (await System.IO.File.ReadAllTextAsync(File("life-c.yaml"))).Split('\n').First(l => l.StartsWith("name:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(layout, await System.IO.File.ReadAllTextAsync(File("life-c.layout.json")));
        // The list shows yaml files only, never the sidecars.
        var names = JsonNode.Parse(await client.GetStringAsync(Url("/api/workflows")))!.AsArray().Select(w => (string)w!["name"]!).ToList();
        Assert.Contains("life-c", names);
        Assert.DoesNotContain(names, n => n.Contains("layout", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(Url("/api/workflows/life-c"))).StatusCode);
        Assert.False(System.IO.File.Exists(File("life-c.yaml")));
        Assert.False(System.IO.File.Exists(File("life-c.layout.json")));
        await client.DeleteAsync(Url("/api/workflows/life-a"));
    }

    [Fact]
    public async Task TakenNames_Are409_MissingSources404_BadNames400_AndNothingIsOverwritten()
    {
        using var client = factory.CreateAuthorizedClient();
        var hello = await System.IO.File.ReadAllTextAsync(File("hello.yaml"));
        var before = await System.IO.File.ReadAllTextAsync(File("slow.yaml"));
        var copy = await client.PostAsJsonAsync(Url("/api/workflows/hello/copy"), new { to = "slow" });
        Assert.Equal(HttpStatusCode.Conflict, copy.StatusCode);
        Assert.Contains("a workflow 'slow' already exists", await copy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync(Url("/api/workflows/hello/rename"), new { to = "slow" })).StatusCode);
        Assert.Equal(before, await System.IO.File.ReadAllTextAsync(File("slow.yaml")));
        Assert.Equal(hello, await System.IO.File.ReadAllTextAsync(File("hello.yaml")));

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync(Url("/api/workflows/no-such/rename"), new { to = "other" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync(Url("/api/workflows/no-such/copy"), new { to = "other" })).StatusCode);
        foreach (var bad in new[] { "../escape", "..", "a/b", "Upper", "", "x\n" })
        {
            var response = await client.PostAsJsonAsync(Url("/api/workflows/hello/rename"), new { to = bad });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("\"field\":\"to\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync(Url("/api/workflows/hello/copy"), new { })).StatusCode);
        Assert.Equal(hello, await System.IO.File.ReadAllTextAsync(File("hello.yaml")));
        Assert.False(System.IO.File.Exists(Path.Combine(Path.GetDirectoryName(factory.WorkflowsDirectory)!, "escape.yaml")));
    }

    [Fact]
    public async Task Create_WritesASkeletonThePaletteCanAddTo_AndRefusesATakenName()
    {
        var library = factory.Services.GetRequiredService<TbrmFlow.Server.Services.WorkflowLibrary>();
        var text = await library.CreateAsync("new_flow.v2", CancellationToken.None);
        Assert.Equal("name: new-flow-v2\ndescription: New workflow\nstages: {}\n", text);
        Assert.Equal(text, await System.IO.File.ReadAllTextAsync(File("new_flow.v2.yaml")));
        var added = TbrmFlow.Server.Designer.YamlPatcher.AddStage(text, "data", "data.arithmetic", []);
        Assert.Equal("name: new-flow-v2\ndescription: New workflow\nstages:\n  data:\n    uses: data.arithmetic\n", added);
        Assert.Empty(library.Validate(added, "new_flow.v2"));
        await Assert.ThrowsAsync<TbrmFlow.Server.Services.ConflictException>(() => library.CreateAsync("new_flow.v2", CancellationToken.None));
        Assert.True(library.Delete("new_flow.v2"));
    }
}
