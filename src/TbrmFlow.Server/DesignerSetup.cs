using TbrmFlow.Server.Components;

namespace TbrmFlow.Server;

/// <summary>Registration of the Blazor designer (pages under Components/, assets under wwwroot/).</summary>
public static class DesignerSetup
{
    /// <summary>Adds Razor components with interactive server rendering.</summary>
    public static IServiceCollection AddTbrmFlowDesigner(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        return services;
    }

    /// <summary>Maps static assets and the pages (after <see cref="ServerSetup.MapTbrmFlowApi"/>, whose token gate runs first).</summary>
    public static WebApplication MapTbrmFlowDesigner(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
