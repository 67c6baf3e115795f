using Hangfire;
using Hangfire.Dashboard;
using TbrmFlow.Cluster;
using TbrmFlow.Server.Security;

namespace TbrmFlow.Server;

/// <summary>
/// The Hangfire dashboard of a cluster at <c>/jobs</c>, enabled only when the configuration names the
/// cluster database (<c>cluster</c> = PostgreSQL connection string, e.g. <c>--cluster "Host=..."</c> or
/// env <c>cluster</c>). One token for the whole server: a request carrying the server's token (header,
/// bearer, or the cookie that <c>?token=</c> sets) may act on jobs (requeue, delete); a request from this
/// machine without it sees the dashboard read-only; anything else is refused.
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
        var security = app.Services.GetRequiredService<ServerSecurity>();
        app.UseHangfireDashboard("/jobs", new DashboardOptions
        {
            DashboardTitle = "TbrmFlow cluster jobs",
            Authorization = [new Filter(security)],
            IsReadOnlyFunc = context => !security.IsCarriedBy(context.GetHttpContext().Request, allowCookie: true),
            AppPath = "/",
        }, cluster.Storage);
        return app;
    }

    private sealed class Filter(ServerSecurity security) : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            return security.IsCarriedBy(http.Request, allowCookie: true) || (http.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip));
        }
    }
}
