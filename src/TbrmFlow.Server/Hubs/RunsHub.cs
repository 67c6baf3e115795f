using Microsoft.AspNetCore.SignalR;

namespace TbrmFlow.Server.Hubs;

/// <summary>
/// <c>/hubs/runs</c>: pushes every <see cref="Services.RunEventDto"/> of runs this server runs to
/// every client as method <c>runEvent</c>. Clients only listen.
/// </summary>
public sealed class RunsHub : Hub
{
    /// <summary>The client method events arrive on.</summary>
    public const string EventMethod = "runEvent";

    /// <summary>The hub's path.</summary>
    public const string Path = "/hubs/runs";
}
