using System.Text.Json.Nodes;
using static TbrmFlow.Server.Tests.WorkflowApiTests;

namespace TbrmFlow.Server.Tests;

/// <summary>The OpenAPI document: a bearer scheme on every operation, real response types and status codes, named schemas, the language's type names.</summary>
public sealed class OpenApiTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>
{
    [Fact]
    public async Task Document_HasTheBearerScheme_TypedResponses_ProblemStatuses_AndOnlyNamedSchemas()
    {
        using var client = factory.CreateClient();
        var doc = JsonNode.Parse(await client.GetStringAsync(Url("/openapi/v1.json")))!;
        var bearer = doc["components"]!["securitySchemes"]!["bearer"]!;
        Assert.Equal(("http", "bearer"), ((string)bearer["type"]!, (string)bearer["scheme"]!));
        var operations = doc["paths"]!.AsObject().Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!))).ToList();
        Assert.True(operations.Count >= 15, $"{operations.Count} operations");
        foreach (var (path, method, operation) in operations)
        {
            Assert.True(operation["security"]?.AsArray().Any(r => r!.AsObject().ContainsKey("bearer")) == true, $"{method} {path} lists no bearer requirement");
            Assert.True(operation["responses"]!["401"] is not null, $"{method} {path} has no 401");
        }

        // POST /api/runs: 201 with {id}, problem details for 400 and 404.
        var start = Operation(doc, "/api/runs", "post");
        Assert.Equal("#/components/schemas/RunStartedDto", (string?)start["responses"]!["201"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Null(start["responses"]!["200"]);
        foreach (var status in new[] { "400", "404" })
        {
            Assert.Equal("#/components/schemas/ProblemDetails", (string?)start["responses"]![status]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
        }
        Assert.NotNull(Operation(doc, "/api/runs/{id}/cancel", "post")["responses"]!["409"]);
        Assert.NotNull(Operation(doc, "/api/runs/{id}/resume", "post")["responses"]!["409"]);
        Assert.Equal("#/components/schemas/RunDetailDto", (string?)Operation(doc, "/api/runs/{id}", "get")["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotNull(Operation(doc, "/api/runs/{id}", "get")["responses"]!["404"]);
        var download = Operation(doc, "/api/runs/{id}/artifacts/download", "get")["responses"]!["200"]!["content"]!["application/octet-stream"]!["schema"]!;
        if ((string?)download["$ref"] is { } reference)
        {
            download = doc["components"]!["schemas"]![reference.Split('/')[^1]]!;
        }
        Assert.Equal(("string", "binary"), ((string?)download["type"], (string?)download["format"]));
        Assert.Equal("#/components/schemas/ActivityInfo", (string?)Operation(doc, "/api/activities", "get")["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["items"]!["$ref"]);

        // Every JSON success response is a named schema (or a list of one): no anonymous types, no "No body".
        foreach (var (path, method, operation) in operations)
        {
            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => r.Key.StartsWith('2') && r.Key != "204"))
            {
                var schema = response!["content"]?["application/json"]?["schema"];
                if (response["content"]?.AsObject().Any(c => !c.Key.Contains("json", StringComparison.Ordinal) || c.Key.Contains("schema", StringComparison.Ordinal)) == true)
                {
                    continue; // a file download or the JSON Schema document
                }
                Assert.True(schema is not null, $"{method} {path} {status} has no JSON body: {response.ToJsonString()}");
                Assert.True(schema!["$ref"] is not null || schema["items"]?["$ref"] is not null, $"{method} {path} {status}: {schema.ToJsonString()}");
            }
        }
        var names = doc["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToList();
        Assert.All(names, n => Assert.Matches("^[A-Za-z][A-Za-z0-9]*$", n));
        Assert.DoesNotContain(names, n => n.Contains("Anonymous", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Activities_UseTheWorkflowLanguagesTypeNames()
    {
        using var client = factory.CreateClient();
        var activities = JsonNode.Parse(await client.GetStringAsync(Url("/api/activities")))!.AsArray();
        JsonNode Input(string activity, string name) =>
            activities.Single(a => (string?)a!["type"] == activity)!["inputs"]!.AsArray().Single(i => (string?)i!["name"] == name)!;
        Assert.Equal("int", (string?)Input("data.arithmetic", "digits")["type"]);
        Assert.Equal("float", (string?)Input("demo.fit_sum", "learning_rate")["type"]);
        Assert.Equal("PromptSet", (string?)Input("demo.fit_sum", "problems")["type"]);
        Assert.Equal(("list", "string"), ((string?)Input("data.load", "sources")["type"], (string?)Input("data.load", "sources")["items"]));
        var types = activities.SelectMany(a => a!["inputs"]!.AsArray().Concat(a["outputs"]!.AsArray())).Select(p => (string)p!["type"]!).Distinct().ToList();
        Assert.All(types, t => Assert.Contains(t, (string[])["string", "int", "float", "bool", "enum", "list", "object", "PromptSet", "Checkpoint", "RolloutBatch", "EvalReport"]));
        Assert.Contains("enum", types);
        Assert.All(activities.SelectMany(a => a!["inputs"]!.AsArray()).Where(i => (string?)i!["type"] == "enum"), i => Assert.NotEmpty(i!["allowed"]!.AsArray()));
    }

    private static JsonNode Operation(JsonNode doc, string path, string method) => doc["paths"]![path]![method]!;
}
