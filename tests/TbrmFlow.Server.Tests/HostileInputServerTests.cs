using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Tests.Support;
using static TbrmFlow.Server.Tests.WorkflowApiTests;

namespace TbrmFlow.Server.Tests;

/// <summary>
/// Each hostile shape posted to validate, PUT, and placed in the workflows folder and opened in the designer:
/// limits give 413/422 problem details with positioned diagnostics and write nothing, the page shows the error,
/// the listing stays quick, and the server answers /health after every one.
/// </summary>
public sealed class HostileInputServerTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>
{
    private static readonly string[] Chosen =
        ["yaml-flow-seq-100k", "yaml-laughs-long-values", "yaml-alias-depth-chain", "expr-bang-5k", "expr-and-chain-in-matrix", "count-instances-5x250",
         "count-stages-600", "bytes-nul", "bytes-not-utf8", "bytes-bom"];

    public static TheoryData<string> Cases() => [.. HostileWorkflows.FromTheIssue.Select(c => c.Name).Concat(Chosen)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileWorkflow_IsAnsweredWithItsDiagnostic_AndTheServerKeepsServing(string name)
    {
        var hostile = HostileWorkflows.All.Single(c => c.Name == name);
        using var client = factory.CreateAuthorizedClient();
        var clock = Stopwatch.StartNew();
        var isLimit = hostile.Code == "TF0040";
        // A client sends text: bytes that are not UTF-8 arrive replaced, so their TF0001 is for the file on disk only.
        var textCode = Encoding.UTF8.GetBytes(hostile.Text).AsSpan().SequenceEqual(hostile.Bytes) ? hostile.Code : "";

        var validated = await client.PostAsJsonAsync(Url("/api/workflows/validate"), new { yaml = hostile.Text });
        var diagnostics = isLimit ? await LimitProblemAsync(validated) : JsonNode.Parse(await validated.Content.ReadAsStringAsync())!.AsArray();
        Assert.True(isLimit || validated.StatusCode == HttpStatusCode.OK, $"{name}: {validated.StatusCode}");
        if (textCode.Length > 0)
        {
            Assert.Contains(diagnostics, d => (string?)d!["code"] == textCode && (int)d["line"]! >= 1 && (int)d["column"]! >= 1);
        }
        Assert.DoesNotContain("   at ", diagnostics.ToJsonString(), StringComparison.Ordinal);
        await HealthyAsync(client);

        var put = await client.PutAsJsonAsync(Url($"/api/workflows/{name}"), new { yaml = hostile.Text });
        if (isLimit)
        {
            await LimitProblemAsync(put);
            Assert.False(File.Exists(Path.Combine(factory.WorkflowsDirectory, name + ".yaml")), "a text beyond the limits is not saved");
        }
        else
        {
            Assert.True(put.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{name}: PUT {put.StatusCode}");
        }
        await HealthyAsync(client);

        // The same bytes already on disk: the designer shows the problem instead of crashing; the listing stays quick.
        await File.WriteAllBytesAsync(Path.Combine(factory.WorkflowsDirectory, name + ".yaml"), hostile.Bytes);
        var page = await client.GetAsync(Url($"/workflows/{name}"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        if (hostile.Code.Length > 0)
        {
            Assert.Contains(hostile.Code, html, StringComparison.Ordinal);
        }
        var listed = Stopwatch.StartNew();
        var list = JsonNode.Parse(await client.GetStringAsync(Url("/api/workflows")))!.AsArray();
        Assert.Contains(list, w => (string?)w!["name"] == name);
        Assert.True(listed.Elapsed < TimeSpan.FromSeconds(5), $"listing took {listed.Elapsed.TotalSeconds:F1} s");
        await HealthyAsync(client);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{name}: {clock.Elapsed.TotalSeconds:F1} s in all");
        File.Delete(Path.Combine(factory.WorkflowsDirectory, name + ".yaml"));
    }

    [Fact]
    public async Task FileTooLargeOnDisk_IsRefusedByGet_AndShownByTheDesigner_WithoutBeingRead()
    {
        using var client = factory.CreateAuthorizedClient();
        var file = Path.Combine(factory.WorkflowsDirectory, "huge.yaml");
        await File.WriteAllTextAsync(file, "name: huge\n# " + new string('x', 3_000_000) + "\n");
        try
        {
            var problem = await ProblemAsync(await client.GetAsync(Url("/api/workflows/huge")), HttpStatusCode.UnprocessableEntity);
            Assert.Contains("(limit MaxDocumentBytes = 1048576)", (string?)problem["detail"], StringComparison.Ordinal);
            var html = await client.GetStringAsync(Url("/workflows/huge"));
            Assert.Contains("cannot be opened", html, StringComparison.Ordinal);
            Assert.Contains("TF0040", html, StringComparison.Ordinal);
            Assert.Contains(JsonNode.Parse(await client.GetStringAsync(Url("/api/workflows")))!.AsArray(), w => (string?)w!["name"] == "huge" && w["title"] is null);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/"))).StatusCode);
            await HealthyAsync(client);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task BodyThatIsNotUtf8Json_Is400()
    {
        using var client = factory.CreateAuthorizedClient();
        using var body = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"yaml\": \"name: x"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")]);
        body.Headers.ContentType = new("application/json");
        var response = await client.PostAsync(Url("/api/workflows/validate"), body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await HealthyAsync(client);
    }

    /// <summary>413 or 422 problem details whose <c>diagnostics</c> are positioned; returns them.</summary>
    private static async Task<JsonArray> LimitProblemAsync(HttpResponseMessage response)
    {
        var status = response.StatusCode;
        Assert.True(status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge, $"expected 413/422, got {status}: {await response.Content.ReadAsStringAsync()}");
        var problem = await ProblemAsync(response, status);
        var diagnostics = problem["diagnostics"]!.AsArray();
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.True((int)d!["line"]! >= 1 && (int)d["column"]! >= 1));
        return diagnostics;
    }

    private static async Task HealthyAsync(HttpClient client) =>
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/health"))).StatusCode);
}
