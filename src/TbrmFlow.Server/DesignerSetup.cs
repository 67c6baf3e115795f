using TbrmFlow.Server.Components;
using TbrmFlow.Server.Designer;

namespace TbrmFlow.Server;

/// <summary>Registration of the Blazor designer (pages under Components/, assets under wwwroot/).</summary>
public static class DesignerSetup
{
    /// <summary>Adds Razor components with interactive server rendering.</summary>
    public static IServiceCollection AddTbrmFlowDesigner(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddSingleton(new WorkflowFolder(Path.GetFullPath(configuration["workflows"] ?? "workflows")));
        return services;
    }

    /// <summary>Maps static assets and the pages.</summary>
    public static WebApplication MapTbrmFlowDesigner(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
