using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TbrmFlow.Server.Tests;

/// <summary>The server's first endpoints, in process.</summary>
public sealed class ActivitiesApiTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Health_IsOk()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Activities_ListsPluginActivitiesWithDocumentedInputs()
    {
        using var client = factory.CreateClient();
        var list = JsonNode.Parse(await client.GetStringAsync(new Uri("/api/activities", UriKind.Relative)))!.AsArray();
        var arithmetic = list.Single(a => (string?)a!["type"] == "data.arithmetic")!;
        Assert.Equal("data", (string?)arithmetic["category"]);
        var digits = arithmetic["inputs"]!.AsArray().Single(i => (string?)i!["name"] == "digits")!;
        Assert.Equal(2, (int)digits["default"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)digits["description"]));
        Assert.Contains(list, a => (string?)a!["type"] == "demo.fit_sum");
    }
}
