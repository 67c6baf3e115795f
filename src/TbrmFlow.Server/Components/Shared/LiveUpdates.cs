using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Components.Shared;

/// <summary>
/// Keeps a page of runs current: run events (<see cref="RunService.Subscribe"/>, the source of the
/// <c>/hubs/runs</c> hub) that the page cares about mark it dirty, and a timer calls the page back on its
/// renderer at a fixed period, saying whether anything happened, so it renders at most that often.
/// Event handlers run on engine threads: they only record.
/// </summary>
public sealed class LiveUpdates : IDisposable
{
    private readonly IDisposable _subscription;
    private readonly Timer _timer;
    private int _dirty;
    private volatile bool _disposed;

    /// <param name="runs">The event source.</param>
    /// <param name="onEvent">Records an event (on an engine thread); true when it changes what the page shows.</param>
    /// <param name="period">How often the page is called back.</param>
    /// <param name="invoke">The component's <c>InvokeAsync</c>.</param>
    /// <param name="onTick">Called on the renderer with true when something changed since the last call.</param>
    public LiveUpdates(RunService runs, Func<RunEventDto, bool> onEvent, TimeSpan period, Func<Action, Task> invoke, Action<bool> onTick)
    {
        _subscription = runs.Subscribe(e =>
        {
            if (onEvent(e))
            {
                MarkDirty();
            }
        });
        _timer = new Timer(_ =>
        {
            if (!_disposed)
            {
                _ = invoke(() => onTick(Interlocked.Exchange(ref _dirty, 0) == 1));
            }
        }, null, period, period);
    }

    /// <summary>Makes the next tick report a change (after the page itself changed something).</summary>
    public void MarkDirty() => Interlocked.Exchange(ref _dirty, 1);

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _subscription.Dispose();
        _timer.Dispose();
    }
}
