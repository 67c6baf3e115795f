using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TbrmFlow.Cluster.Tests;

public sealed class DashboardTests : IDisposable
{
    // Hangfire.AspNetCore points Hangfire's process-wide log provider at the test host's logger
    // factory, which is disposed with the host: give later tests in this process a fresh default.
    public void Dispose() => Hangfire.Logging.LogProvider.SetCurrentLogProvider(null);

    private static WebApplicationFactory<Program> Server(string? cluster) => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        if (cluster is not null)
        {
            b.UseSetting("cluster", cluster);
            b.UseSetting("token", "s3cret");
        }
    });

    [PostgresFact]
    public async Task Jobs_IsTheHangfireDashboard_OnlyWithTheToken_WhenTheRequestIsNotLocal()
    {
        using var db = new TestDatabase();
        await using var server = Server(db.ConnectionString);
        using var client = server.CreateClient();
        // The in-memory test server has no remote address, so it counts as not local.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/jobs")).StatusCode);
        var page = await client.GetAsync("/jobs?token=s3cret");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("TbrmFlow cluster jobs", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/jobs?token=wrong")).StatusCode);
    }

    [Fact]
    public async Task Jobs_IsNotMounted_WithoutACluster()
    {
        await using var server = Server(null);
        using var client = server.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }
}
