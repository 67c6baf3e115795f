using Scalar.AspNetCore;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Pipeline;
using TbrmFlow.Server.Api;
using TbrmFlow.Server.Hubs;
using TbrmFlow.Server.Security;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server;

/// <summary>The server module's registration and endpoint mapping.</summary>
public static class ServerSetup
{
    /// <summary>Registers the engine, the mediator, the services (<see cref="WorkflowLibrary"/>, <see cref="RunService"/>), SignalR and OpenAPI.</summary>
    public static IServiceCollection AddTbrmFlowServer(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ServerOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(ServerSecurity.From(configuration, options));
        // Hosting's request log carries the query string (?token=...); it stays at warnings so the token never reaches a log.
        // Set in code: appsettings.json is read from the content root (the working directory), which may not hold it.
        services.AddLogging(b => b
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodyBytes, 4 * 1024 * 1024));
        services.AddMediator(o =>
        {
            o.Namespace = "TbrmFlow.Server.Mediator";
            o.GenerateTypesAsInternal = true;
            o.ServiceLifetime = ServiceLifetime.Singleton;
            o.PipelineBehaviors = [typeof(TimingBehavior<,>)];
        });
        services.AddTbrmFlowEngine(new EngineOptions { HomeDirectory = options.HomeDirectory, DataRoots = options.DataRoots });
        services.AddSingleton<WorkflowLibrary>();
        services.AddSingleton<RunService>();
        services.AddSignalR();
        services.AddHostedService<RunEventBroadcaster>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ServiceExceptionHandler>();
        services.AddTbrmFlowOpenApi();
        return services;
    }

    /// <summary>
    /// Adds the exception handler and the <see cref="TokenGate"/>, then maps the HTTP API, the run events
    /// hub, <c>/openapi/v1.json</c> and the reference page <c>/scalar</c>. Call it before mapping UI endpoints.
    /// </summary>
    public static WebApplication MapTbrmFlowApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseMiddleware<TokenGate>();
        app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
        app.MapOpenApi();
        app.MapScalarApiReference(o => o.AddPreferredSecuritySchemes([OpenApiSetup.BearerScheme]));
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapWorkflowEndpoints();
        app.MapCatalogEndpoints();
        app.MapRunEndpoints();
        app.MapHub<RunsHub>(RunsHub.Path);
        return app;
    }
}
