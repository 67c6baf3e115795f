using System.Collections.Concurrent;

namespace TbrmFlow.Tracking.Sync;

/// <summary>
/// Replicates the runs it is told about in a background task: training never waits for the
/// server. When the server is down it backs off and tries again; at dispose it waits (up to a
/// timeout) for a last complete pass, and whatever is still unsent stays marked pending for
/// <c>tbrmflow mlflow sync</c>.
/// </summary>
public sealed class BackgroundReplicator : IRunReplicator
{
    private readonly RunSynchronizer _synchronizer;
    private readonly TimeSpan _flushTimeout;
    private readonly ConcurrentDictionary<string, byte> _runs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile bool _stopping;

    /// <summary>Starts the background task.</summary>
    public BackgroundReplicator(RunSynchronizer synchronizer, TimeSpan flushTimeout)
    {
        _synchronizer = synchronizer;
        _flushTimeout = flushTimeout;
        _loop = Task.Run(LoopAsync);
    }

    /// <inheritdoc />
    public Exception? LastError { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<string> PendingRuns => [.. _runs.Keys.Where(d => !Safe(() => _synchronizer.IsComplete(d)))];

    /// <inheritdoc />
    public void Notify(string runDirectory)
    {
        if (_runs.TryAdd(runDirectory, 0) || _signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>
    /// Waits for a last pass (bounded by the flush timeout), then stops. When the last pass found the server
    /// unreachable (no HTTP answer at all), it does not wait: the records stay pending for <c>tbrmflow mlflow sync</c>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _signal.Release();
        var finished = LastError is HttpRequestException ? null : await Task.WhenAny(_loop, Task.Delay(_flushTimeout));
        if (finished != _loop)
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // stopped mid-request: the state file says what is still pending
            }
        }
        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task LoopAsync()
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            if (!_stopping)
            {
                await _signal.WaitAsync(TimeSpan.FromSeconds(2), _stop.Token);
            }
            var failed = false;
            // Parents first, so that children can name their remote parent.
            foreach (var dir in _runs.Keys.OrderBy(d => File.Exists(Path.Combine(d, "tags", MlflowTags.ParentRunId)) ? 1 : 0))
            {
                try
                {
                    await _synchronizer.SyncRunAsync(dir, _stop.Token);
                    if (!_stopping && Safe(() => _synchronizer.IsDone(dir)))
                    {
                        // A long-lived process (a cluster worker) sees many runs: stop passing over finished ones.
                        _runs.TryRemove(dir, out _);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    LastError = e;
                    failed = true;
                    break;
                }
            }
            if (!failed)
            {
                LastError = null;
                backoff = TimeSpan.FromSeconds(1);
                if (_stopping)
                {
                    return;
                }
            }
            else if (_stopping && LastError is HttpRequestException)
            {
                return; // unreachable at the end of the run: leave the rest to 'tbrmflow mlflow sync'
            }
            else
            {
                await Task.Delay(backoff, _stop.Token);
                backoff = backoff * 2 < TimeSpan.FromSeconds(30) ? backoff * 2 : TimeSpan.FromSeconds(30);
            }
        }
    }

    private static bool Safe(Func<bool> check)
    {
        try
        {
            return check();
        }
        catch (IOException)
        {
            return false;
        }
    }
}
