using TbrmFlow.Server.Components;

namespace TbrmFlow.Server;

/// <summary>Registration of the Blazor designer (pages under Components/, assets under wwwroot/).</summary>
public static class DesignerSetup
{
    /// <summary>
    /// Adds Razor components with interactive server rendering. (Program.cs calls UseStaticWebAssets, so
    /// wwwroot and Monaco from the BlazorMonaco package are served from the build output in every environment.)
    /// </summary>
    public static WebApplicationBuilder AddTbrmFlowDesigner(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        return builder;
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
