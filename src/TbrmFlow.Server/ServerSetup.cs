using TbrmFlow.Engine;
using TbrmFlow.Engine.Pipeline;
using TbrmFlow.Server.Api;
using TbrmFlow.Server.Hubs;
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
        services.AddMediator(o =>
        {
            o.Namespace = "TbrmFlow.Server.Mediator";
            o.GenerateTypesAsInternal = true;
            o.ServiceLifetime = ServiceLifetime.Singleton;
            o.PipelineBehaviors = [typeof(TimingBehavior<,>)];
        });
        services.AddTbrmFlowEngine(new EngineOptions { HomeDirectory = options.HomeDirectory });
        services.AddSingleton<WorkflowLibrary>();
        services.AddSingleton<RunService>();
        services.AddSignalR();
        services.AddHostedService<RunEventBroadcaster>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ServiceExceptionHandler>();
        services.AddOpenApi();
        return services;
    }

    /// <summary>Maps the HTTP API, the run events hub and the API reference.</summary>
    public static WebApplication MapTbrmFlowApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapWorkflowEndpoints();
        app.MapCatalogEndpoints();
        app.MapRunEndpoints();
        app.MapHub<RunsHub>(RunsHub.Path);
        return app;
    }
}
