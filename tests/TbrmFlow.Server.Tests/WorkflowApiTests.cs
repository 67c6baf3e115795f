using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Server.Tests;

/// <summary><c>/api/workflows</c>: list, get, put, delete, validate; names that would leave the folder.</summary>
public sealed class WorkflowApiTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>
{
    private const string BadYaml = """
        name: bad
        stages:
          data: { uses: data.arithmetc }
          fit: { uses: demo.fit_sum, with: { problems: "${{ stages.dta.outputs.train }}", stepz: 3 } }
        """;

    [Fact]
    public async Task List_HasEveryFileWithTitleAndDescription()
    {
        using var client = factory.CreateClient();
        var list = JsonNode.Parse(await client.GetStringAsync(Url("/api/workflows")))!.AsArray();
        var names = list.Select(w => (string)w!["name"]!).ToList();
        Assert.Contains("hello", names);
        Assert.Contains("slow", names);
        var hello = list.Single(w => (string?)w!["name"] == "hello")!;
        Assert.Equal("hello", (string?)hello["title"]);
        Assert.StartsWith("Generates a+b problems", (string?)hello["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ReturnsTheFileText_And404ForAnUnknownName()
    {
        using var client = factory.CreateClient();
        var doc = JsonNode.Parse(await client.GetStringAsync(Url("/api/workflows/hello")))!;
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(factory.WorkflowsDirectory, "hello.yaml")), (string?)doc["yaml"]);
        var missing = await client.GetAsync(Url("/api/workflows/no-such-workflow"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no workflow 'no-such-workflow'", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_CreatesThenReplaces_ReturningDiagnostics_ThenDeleteRemoves()
    {
        using var client = factory.CreateAuthorizedClient();
        var created = await client.PutAsJsonAsync(Url("/api/workflows/put-test"), new { yaml = BadYaml });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var diagnostics = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["diagnostics"]!.AsArray();
        Assert.Equal(["TF0010", "TF0020", "TF0013"], diagnostics.Select(d => (string)d!["code"]!));
        Assert.Equal(BadYaml, await File.ReadAllTextAsync(Path.Combine(factory.WorkflowsDirectory, "put-test.yaml")));

        var good = (await File.ReadAllTextAsync(Path.Combine(factory.WorkflowsDirectory, "hello.yaml"))).Replace("name: hello", "name: put-test", StringComparison.Ordinal);
        var replaced = await client.PutAsJsonAsync(Url("/api/workflows/put-test"), new { yaml = good });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Empty(JsonNode.Parse(await replaced.Content.ReadAsStringAsync())!["diagnostics"]!.AsArray());
        Assert.Equal(good, await File.ReadAllTextAsync(Path.Combine(factory.WorkflowsDirectory, "put-test.yaml")));
        Assert.Empty(Directory.GetFiles(factory.WorkflowsDirectory, "*.tmp"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(Url("/api/workflows/put-test"))).StatusCode);
        Assert.False(File.Exists(Path.Combine(factory.WorkflowsDirectory, "put-test.yaml")));
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync(Url("/api/workflows/put-test"))).StatusCode);
    }

    [Fact]
    public async Task Put_WithoutYaml_Is400NamingTheField()
    {
        using var client = factory.CreateAuthorizedClient();
        var response = await client.PutAsJsonAsync(Url("/api/workflows/x"), new { text = "name: x" });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("yaml", (string?)problem["field"]);
    }

    [Fact]
    public async Task Validate_ReturnsTheClisDiagnostics_WithLineColumnAndCode()
    {
        using var client = factory.CreateAuthorizedClient();
        var response = await client.PostAsJsonAsync(Url("/api/workflows/validate"), new { yaml = BadYaml, name = "bad" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var d = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        // The same three diagnostics (and positions) as `tbrmflow validate` prints for this text (EngineCliTests).
        Assert.Equal(3, d.Count);
        Assert.Equal(("error", "TF0010", 3, 17), ((string)d[0]!["severity"]!, (string)d[0]!["code"]!, (int)d[0]!["line"]!, (int)d[0]!["column"]!));
        Assert.Equal("unknown activity 'data.arithmetc'; did you mean 'data.arithmetic'?", ((string)d[0]!["message"]!).Split(" (known")[0]);
        Assert.Equal(("TF0020", 4, 60), ((string)d[1]!["code"]!, (int)d[1]!["line"]!, (int)d[1]!["column"]!));
        Assert.Equal(("TF0013", 4, 90), ((string)d[2]!["code"]!, (int)d[2]!["line"]!, (int)d[2]!["column"]!));
        Assert.StartsWith("activity 'demo.fit_sum' has no input 'stepz'; did you mean 'steps'?", (string)d[2]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ReportsYamlSyntaxErrors_And400WithoutYaml()
    {
        using var client = factory.CreateAuthorizedClient();
        var syntax = JsonNode.Parse(await (await client.PostAsJsonAsync(Url("/api/workflows/validate"), new { yaml = "name: x\nstages: [\n" })).Content.ReadAsStringAsync())!.AsArray();
        Assert.NotEmpty(syntax);
        Assert.All(syntax, d => Assert.True((int)d!["line"]! >= 1));
        var noYaml = await client.PostAsJsonAsync(Url("/api/workflows/validate"), new { name = "x" });
        Assert.Equal("yaml", (string?)(await ProblemAsync(noYaml, HttpStatusCode.BadRequest))["field"]);
    }

    [Theory]
    [InlineData("Hello")]
    [InlineData(".hidden")]
    [InlineData("..")]
    [InlineData("a b")]
    [InlineData("%2e%2e")]
    [InlineData("..%2Fescaped")]
    [InlineData("..%5Cescaped")]
    [InlineData("a%2Fb")]
    public async Task Put_RejectsNamesOutsideTheAllowedForm_AndWritesNothing(string name)
    {
        using var client = factory.CreateAuthorizedClient();
        var before = Directory.GetFileSystemEntries(factory.Root, "*", SearchOption.AllDirectories).Length;
        var response = await client.PutAsJsonAsync(new Uri($"/api/workflows/{name}", UriKind.Relative), new { yaml = "name: x\nstages: {}\n" });
        // Kestrel and the test server remove dot segments after decoding, so '%2e%2e' never reaches the endpoint (404);
        // every other form reaches it and is refused by name.
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{name}: {response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("name", (string?)problem["field"]);
            Assert.Contains("^[a-z0-9][a-z0-9._-]*$", problem["allowed"]!.AsArray().Select(a => (string?)a));
        }
        Assert.Equal(before, Directory.GetFileSystemEntries(factory.Root, "*", SearchOption.AllDirectories).Length);
        Assert.False(File.Exists(Path.Combine(factory.Root, "escaped.yaml")));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("x\n")]
    [InlineData("/etc/passwd")]
    public async Task Library_RefusesTraversalNames(string name)
    {
        var library = factory.Services.GetService(typeof(Services.WorkflowLibrary)) as Services.WorkflowLibrary;
        var e = await Assert.ThrowsAsync<Services.InvalidInputException>(() => library!.WriteAsync(name, "x", CancellationToken.None));
        Assert.Equal("name", e.Field);
        Assert.Throws<Services.InvalidInputException>(() => library!.Read(name));
        Assert.Throws<Services.InvalidInputException>(() => library!.Delete(name));
    }

    [Fact]
    public async Task Write_IsAtomic_ReadersSeeTheOldOrTheNewTextNeverAMix()
    {
        var library = (Services.WorkflowLibrary)factory.Services.GetService(typeof(Services.WorkflowLibrary))!;
        var a = "name: atomic\n# " + new string('a', 200_000) + "\n";
        var b = "name: atomic\n# " + new string('b', 300_000) + "\n";
        await library.WriteAsync("atomic", a, CancellationToken.None);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await library.WriteAsync("atomic", i % 2 == 0 ? b : a, CancellationToken.None);
            }
        });
        var reads = 0;
        while (!writer.IsCompleted)
        {
            var text = library.Read("atomic");
            Assert.True(text == a || text == b, $"a torn read of {text?.Length} characters");
            reads++;
        }
        await writer;
        Assert.True(reads > 0);
        Assert.True(library.Delete("atomic"));
    }

    [Fact]
    public async Task OversizeBody_Is413()
    {
        using var client = factory.CreateAuthorizedClient();
        var response = await client.PutAsJsonAsync(Url("/api/workflows/big"), new { yaml = "# " + new string('x', 1_100_000) });
        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.False(File.Exists(Path.Combine(factory.WorkflowsDirectory, "big.yaml")));
    }

    internal static Uri Url(string path) => new(path, UriKind.Relative);

    internal static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }
}
