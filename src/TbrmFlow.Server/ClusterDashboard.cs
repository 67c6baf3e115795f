using Hangfire;
using Hangfire.Dashboard;
using TbrmFlow.Cluster;

namespace TbrmFlow.Server;

/// <summary>
/// The Hangfire dashboard of a cluster at <c>/jobs</c>, enabled only when the configuration names the
/// cluster database (<c>cluster</c> = PostgreSQL connection string, e.g. <c>--cluster "Host=..."</c> or
/// env <c>cluster</c>). Requests from this machine see it read-only; a request carrying the token in
/// <c>cluster_dashboard_token</c> (header <c>X-TbrmFlow-Token</c> or <c>?token=</c>) sees it from
/// anywhere and may act on jobs (requeue, delete).
/// </summary>
public static class ClusterDashboard
{
    /// <summary>Connects to the cluster when one is configured.</summary>
    public static IServiceCollection AddTbrmFlowCluster(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration["cluster"] is { Length: > 0 } connectionString)
        {
            services.AddSingleton(_ => new ClusterConnection(new ClusterOptions { ConnectionString = connectionString }));
            // The dashboard's services; its storage is passed explicitly (no global JobStorage).
            services.AddHangfire(_ => { });
        }
        return services;
    }

    /// <summary>Mounts the dashboard at <c>/jobs</c> when a cluster is configured.</summary>
    public static WebApplication MapTbrmFlowJobs(this WebApplication app)
    {
        if (app.Services.GetService<ClusterConnection>() is not { } cluster)
        {
            return app;
        }
        var token = app.Configuration["cluster_dashboard_token"];
        app.UseHangfireDashboard("/jobs", new DashboardOptions
        {
            DashboardTitle = "TbrmFlow cluster jobs",
            Authorization = [new Filter(token)],
            IsReadOnlyFunc = context => !Filter.HasToken(context, token),
            AppPath = "/",
        }, cluster.Storage);
        return app;
    }

    private sealed class Filter(string? token) : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            HasToken(context, token) || (context.GetHttpContext().Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip));

        public static bool HasToken(DashboardContext context, string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return false;
            }
            var request = context.GetHttpContext().Request;
            var given = request.Headers["X-TbrmFlow-Token"].FirstOrDefault() ?? request.Query["token"].FirstOrDefault();
            return given is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(token));
        }
    }
}
