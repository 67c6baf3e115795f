using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using TbrmFlow.Server.Security;
using static TbrmFlow.Server.Tests.WorkflowApiTests;

namespace TbrmFlow.Server.Tests;

/// <summary>Bound beyond loopback: every request but /health needs the token; <c>?token=</c> sets the UI's cookie.</summary>
public sealed class PublicBindingTests(PublicServerFactory factory) : IClassFixture<PublicServerFactory>
{
    [Theory]
    [InlineData("/api/workflows")]
    [InlineData("/api/runs")]
    [InlineData("/api/schema")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar")]
    [InlineData("/")]
    public async Task Reads_NeedTheToken(string path)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await ProblemAsync(await client.GetAsync(Url(path)), HttpStatusCode.Unauthorized);
        using var authorized = factory.CreateAuthorizedClient(followRedirects: false);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await authorized.GetAsync(Url(path))).StatusCode);
    }

    [Fact]
    public async Task Health_StaysOpen()
    {
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/health"))).StatusCode);
    }

    [Fact]
    public async Task AnyHostHeaderIsServed_WithTheToken()
    {
        using var client = factory.CreateAuthorizedClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/workflows");
        request.Headers.Host = "gpu-box.lab:5080";
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task QueryToken_SetsAnHttpOnlyCookie_AndRedirectsWithoutIt_ThenTheCookieOpensReads()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var response = await client.GetAsync(Url($"/workflows/hello?token={TbrmFlowServerFactory.TestToken}&tab=yaml"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/workflows/hello?tab=yaml", response.Headers.Location?.ToString());
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith($"{ServerSecurity.CookieName}={TbrmFlowServerFactory.TestToken};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/workflows");
        withCookie.Headers.Add("Cookie", $"{ServerSecurity.CookieName}={TbrmFlowServerFactory.TestToken}");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(withCookie)).StatusCode);

        var wrong = await client.GetAsync(Url("/?token=nope"));
        await ProblemAsync(wrong, HttpStatusCode.Unauthorized);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
    }
}
