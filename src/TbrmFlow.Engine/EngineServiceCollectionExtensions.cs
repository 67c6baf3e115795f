using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine;

/// <summary>The engine's one registration entry point.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>Registers the runner, the activity catalog and the context accessor.
    /// The host adds the mediator itself (its source generator lives in the host).</summary>
    public static IServiceCollection AddTbrmFlowEngine(this IServiceCollection services, EngineOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(_ => ActivityCatalog.FromApplication());
        services.AddSingleton<IActivityContextAccessor, ActivityContextAccessor>();
        services.AddSingleton<WorkflowRunner>();
        services.AddSingleton<StageInstanceRunner>();
        return services;
    }
}
