using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Pipeline;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Tests;

/// <summary>A real engine wired like the CLI, with the test activities of this assembly.</summary>
public static class EngineHost
{
    public static ServiceProvider Build(EngineOptions options)
    {
        var services = new ServiceCollection();
        services.AddMediator(o =>
        {
            o.Namespace = "TbrmFlow.Engine.Tests.Mediator";
            o.GenerateTypesAsInternal = true;
            o.ServiceLifetime = ServiceLifetime.Singleton;
            o.PipelineBehaviors = [typeof(TimingBehavior<,>)];
        });
        services.AddTbrmFlowEngine(options);
        services.AddSingleton(new ActivityCatalog([typeof(EngineHost).Assembly]));
        return services.BuildServiceProvider();
    }

    public static WorkflowRunner Runner(ServiceProvider services) => services.GetRequiredService<WorkflowRunner>();
}
