using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Pipeline;

namespace TbrmFlow.Cli;

/// <summary>Builds the service provider the CLI's commands run with.</summary>
public static class CliHost
{
    /// <summary>Engine, plugins (through the generated mediator) and pipeline behaviours.</summary>
    public static ServiceProvider Build(EngineOptions options)
    {
        var services = new ServiceCollection();
        services.AddMediator(o =>
        {
            o.Namespace = "TbrmFlow.Cli.Mediator";
            o.GenerateTypesAsInternal = true;
            o.ServiceLifetime = ServiceLifetime.Singleton;
            o.PipelineBehaviors = [typeof(TimingBehavior<,>)];
        });
        services.AddTbrmFlowEngine(options);
        return services.BuildServiceProvider();
    }
}
