using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Pipeline;

namespace TbrmFlow.Server;

/// <summary>The server module's registration and endpoint mapping.</summary>
public static class ServerSetup
{
    /// <summary>Registers the engine and the mediator for the server.</summary>
    public static IServiceCollection AddTbrmFlowServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMediator(o =>
        {
            o.Namespace = "TbrmFlow.Server.Mediator";
            o.GenerateTypesAsInternal = true;
            o.ServiceLifetime = ServiceLifetime.Singleton;
            o.PipelineBehaviors = [typeof(TimingBehavior<,>)];
        });
        services.AddTbrmFlowEngine(new EngineOptions { HomeDirectory = Path.GetFullPath(configuration["home"] ?? ".tbrmflow") });
        return services;
    }

    /// <summary>Maps the HTTP API.</summary>
    public static WebApplication MapTbrmFlowApi(this WebApplication app)
    {
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        app.MapGet("/api/activities", (ActivityCatalog catalog) => catalog.All.Select(d => new
        {
            type = d.Type,
            version = d.Version,
            category = d.Category,
            description = d.Description,
            inputs = d.Inputs.Select(i => new { name = i.Name, type = i.ClrType.Name, required = i.Required, @default = i.Default, description = i.Description }),
            outputs = d.Outputs.Select(o => new { name = o.Name, type = o.ClrType.Name, description = o.Description }),
        }));
        return app;
    }
}
