using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace TbrmFlow.Server.Security;

/// <summary>Prints where the server listens, once, on the console (not through logging): with the token in the URL when it was generated, as Jupyter does.</summary>
public static class StartupBanner
{
    /// <summary>Writes the banner for <paramref name="app"/>.</summary>
    public static void Print(WebApplication app)
    {
        var security = app.Services.GetRequiredService<ServerSecurity>();
        var options = app.Services.GetRequiredService<ServerOptions>();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() is { Count: > 0 } bound
            ? bound
            : options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
        Console.Out.WriteLine($"TbrmFlow server: workflows {options.WorkflowsDirectory}, run store {Path.Combine(options.HomeDirectory, "runs.db")}");
        foreach (var address in addresses)
        {
            Console.Out.WriteLine(security.Generated
                ? $"  open {address.TrimEnd('/')}/?token={security.Token}"
                : $"  open {address.TrimEnd('/')}/ (API token from config 'token' or {ServerSecurity.TokenVariable})");
        }
        if (security.Generated)
        {
            Console.Out.WriteLine($"  API token (for 'Authorization: Bearer ...'): {security.Token}  (set config 'token' or {ServerSecurity.TokenVariable} to choose one)");
        }
        if (!security.LoopbackOnly)
        {
            Console.Out.WriteLine("  bound beyond loopback: every page and API call needs the token");
        }
    }
}
