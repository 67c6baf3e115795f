using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using TbrmFlow.Server.Security;
using static TbrmFlow.Server.Tests.WorkflowApiTests;

namespace TbrmFlow.Server.Tests;

/// <summary>The token on a loopback server: needed for mutating API calls only; Host and Origin checks; nothing in logs.</summary>
public sealed class SecurityTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>
{
    [Theory]
    [InlineData("PUT", "/api/workflows/tok")]
    [InlineData("DELETE", "/api/workflows/hello")]
    [InlineData("POST", "/api/workflows/validate")]
    [InlineData("POST", "/api/runs")]
    [InlineData("POST", "/api/runs/x/cancel")]
    [InlineData("POST", "/api/runs/x/resume")]
    public async Task MutatingEndpoints_WithoutOrWithAWrongToken_Are401(string method, string path)
    {
        using var client = factory.CreateClient();
        var none = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { yaml = "x" }) });
        await ProblemAsync(none, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.ToString());
        var wrong = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { yaml = "x" }) };
        wrong.Headers.Add("Authorization", "Bearer " + TbrmFlowServerFactory.TestToken + "x");
        await ProblemAsync(await client.SendAsync(wrong), HttpStatusCode.Unauthorized);
        Assert.True(File.Exists(Path.Combine(factory.WorkflowsDirectory, "hello.yaml")));
    }

    [Fact]
    public async Task Token_IsAcceptedAsBearerOrHeader_ButNotAsCookieForMutatingCalls()
    {
        using var client = factory.CreateClient();
        var bearer = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/validate") { Content = JsonContent.Create(new { yaml = "name: x" }) };
        bearer.Headers.Add("Authorization", "Bearer " + TbrmFlowServerFactory.TestToken);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(bearer)).StatusCode);
        var header = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/validate") { Content = JsonContent.Create(new { yaml = "name: x" }) };
        header.Headers.Add(ServerSecurity.TokenHeader, TbrmFlowServerFactory.TestToken);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(header)).StatusCode);
        var cookie = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/validate") { Content = JsonContent.Create(new { yaml = "name: x" }) };
        cookie.Headers.Add("Cookie", $"{ServerSecurity.CookieName}={TbrmFlowServerFactory.TestToken}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(cookie)).StatusCode);
    }

    [Theory]
    [InlineData("/api/workflows")]
    [InlineData("/api/workflows/hello")]
    [InlineData("/api/activities")]
    [InlineData("/api/schema")]
    [InlineData("/api/runs")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/health")]
    public async Task Reads_OnLoopback_NeedNoToken(string path)
    {
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(path))).StatusCode);
    }

    [Fact]
    public async Task ForeignHostHeader_OnLoopback_Is400()
    {
        using var client = factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/workflows");
        request.Headers.Host = "attacker.example";
        Assert.Equal("Host not allowed", (string?)(await ProblemAsync(await client.SendAsync(request), HttpStatusCode.BadRequest))["title"]);
    }

    [Fact]
    public async Task CrossOriginPost_Is403_EvenWithTheToken()
    {
        using var client = factory.CreateAuthorizedClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/validate") { Content = JsonContent.Create(new { yaml = "name: x" }) };
        request.Headers.Add("Origin", "http://attacker.example");
        await ProblemAsync(await client.SendAsync(request), HttpStatusCode.Forbidden);
        var same = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/validate") { Content = JsonContent.Create(new { yaml = "name: x" }) };
        same.Headers.Add("Origin", "http://localhost");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(same)).StatusCode);
    }

    [Fact]
    public async Task Token_NeverAppearsInLogs()
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await client.GetAsync(Url($"/?token={TbrmFlowServerFactory.TestToken}"));
        await client.GetAsync(Url($"/api/workflows?token={TbrmFlowServerFactory.TestToken}"));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = JsonContent.Create(new { workflow = "no-such" }) };
        request.Headers.Add("Authorization", "Bearer " + TbrmFlowServerFactory.TestToken);
        await client.SendAsync(request);
        Assert.NotEmpty(factory.LogMessages);
        Assert.DoesNotContain(factory.LogMessages, m => m.Contains(TbrmFlowServerFactory.TestToken, StringComparison.Ordinal));
    }

    [Fact]
    public void Token_IsGeneratedWhenNotConfigured_OtherwiseTakenFromConfig()
    {
        var options = ServerOptions.From(new ConfigurationBuilder().Build());
        var generated = ServerSecurity.From(new ConfigurationBuilder().Build(), options);
        if (Environment.GetEnvironmentVariable(ServerSecurity.TokenVariable) is null)
        {
            Assert.True(generated.Generated);
            Assert.Matches("^[0-9a-f]{48}$", generated.Token);
            Assert.NotEqual(generated.Token, ServerSecurity.From(new ConfigurationBuilder().Build(), options).Token);
        }
        var configured = ServerSecurity.From(new ConfigurationBuilder().AddInMemoryCollection([new("token", "abc")]).Build(), options);
        Assert.Equal(("abc", false), (configured.Token, configured.Generated));
        Assert.True(configured.Matches("abc"));
        Assert.False(configured.Matches("abd"));
        Assert.False(configured.Matches("ab"));
        Assert.False(configured.Matches(null));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5081", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://192.168.1.10:5080", false)]
    [InlineData("http://myhost:5080", false)]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081", false)]
    public void LoopbackOnly_IsDecidedFromTheUrls(string urls, bool loopback) =>
        Assert.Equal(loopback, ServerSecurity.IsLoopbackOnly(urls));
}
