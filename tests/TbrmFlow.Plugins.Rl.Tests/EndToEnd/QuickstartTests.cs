using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Pipeline;
using TbrmFlow.Engine.Running;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Plugins.Rl.Tests.EndToEnd;

/// <summary>
/// Runs workflows/quickstart.yaml through the real engine, shortened by its params (few SFT and
/// TBRM steps): it must succeed and report eval/avg@1 for both policies. The full-length 3-seed
/// measurement is bench/scripts/quickstart-seeds.sh.
/// </summary>
public sealed class QuickstartTests
{
    [Fact]
    public async Task ShortenedQuickstart_Runs_AndReportsAvgAt1ForBothPolicies()
    {
        var file = Path.Combine(RepositoryRoot(), "workflows", "quickstart.yaml");
        var workflow = WorkflowParser.ParseFile(file);
        var home = Path.Combine(Path.GetTempPath(), "tbrmflow-rl-quickstart", Guid.NewGuid().ToString("N"));
        using var services = Build(new EngineOptions { HomeDirectory = home });
        var overrides = new Dictionary<string, JsonNode?> { ["seed"] = 2L, ["sft_steps"] = 20L, ["rl_steps"] = 3L };

        var result = await services.GetRequiredService<WorkflowRunner>().RunAsync(workflow, overrides, new NullRunObserver(), CancellationToken.None);

        Assert.True(result.Status == RunStatus.Succeeded, string.Join("; ", result.Stages.Select(s => $"{s.Key}: {s.Value.Status} {s.Value.Error}")));
        foreach (var id in new[] { "evaluate[policy=sft]", "evaluate[policy=tbrm]" })
        {
            Assert.InRange(result.Stages[id].Metrics["eval/avg@1"], 0.0, 1.0);
        }
        Assert.Equal(3, result.Stages["tbrm"].Outputs["steps"]!.GetValue<long>());
        Assert.True(result.Stages["tbrm"].Metrics.ContainsKey("tbrm/delta_mean"));
        Directory.Delete(home, recursive: true);
    }

    private static ServiceProvider Build(EngineOptions options)
    {
        var services = new ServiceCollection();
        services.AddMediator(o =>
        {
            o.Namespace = "TbrmFlow.Plugins.Rl.Tests.Mediator";
            o.GenerateTypesAsInternal = true;
            o.ServiceLifetime = ServiceLifetime.Singleton;
            o.PipelineBehaviors = [typeof(TimingBehavior<,>)];
        });
        services.AddTbrmFlowEngine(options);
        return services.BuildServiceProvider();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "workflows", "quickstart.yaml")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("workflows/quickstart.yaml not found above " + AppContext.BaseDirectory);
    }
}
