using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Hubs;

/// <summary>
/// Forwards <see cref="RunService"/> events to <see cref="RunsHub"/> clients. Events go through a
/// bounded queue so a slow connection never blocks the engine; when it is full the oldest events drop.
/// </summary>
/// <param name="runs">The event source.</param>
/// <param name="hub">The hub's clients.</param>
/// <param name="logger">Where send failures go.</param>
public sealed class RunEventBroadcaster(RunService runs, IHubContext<RunsHub> hub, ILogger<RunEventBroadcaster> logger) : BackgroundService
{
    private readonly Channel<RunEventDto> _queue = Channel.CreateBounded<RunEventDto>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = runs.Subscribe(e => _queue.Writer.TryWrite(e));
        await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await hub.Clients.All.SendAsync(RunsHub.EventMethod, e, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "could not push a run event");
            }
        }
    }
}
