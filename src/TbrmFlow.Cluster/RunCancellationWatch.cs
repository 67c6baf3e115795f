using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TbrmFlow.Cluster.Store;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cluster;

/// <summary>
/// While a worker runs a stage: reads the run's status every <c>interval</c> and cancels
/// <see cref="Token"/> once the run is no longer <c>running</c> (<see cref="RunCanceller"/> marked it
/// <c>cancelling</c>, or it was deleted). <see cref="Token"/> is also cancelled by the worker's shutdown.
/// A failed read (database restarting) is retried at the next tick: it never cancels a stage.
/// </summary>
public sealed class RunCancellationWatch : IDisposable
{
    private readonly CancellationTokenSource _token;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts watching <paramref name="runId"/>.</summary>
    public RunCancellationWatch(NpgsqlDataSource source, string runId, TimeSpan interval, CancellationToken shutdown)
    {
        _token = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        _loop = WatchAsync(source, runId, interval);
    }

    /// <summary>Cancelled when the run is cancelled or the worker stops.</summary>
    public CancellationToken Token => _token.Token;

    /// <summary>True once the watch saw the run stop running.</summary>
    public bool RunCancelled { get; private set; }

    private async Task WatchAsync(NpgsqlDataSource source, string runId, TimeSpan interval)
    {
        try
        {
            while (!_token.IsCancellationRequested)
            {
                await Task.Delay(interval, _stop.Token);
                if (await StatusAsync(source, runId, _stop.Token) is { } status && status != Lifecycle.Name(RunStatus.Running))
                {
                    RunCancelled = true;
                    await _token.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The stage ended.
        }
    }

    // "missing" when the run is gone; null when the database could not be read this time.
    private static async Task<string?> StatusAsync(NpgsqlDataSource source, string runId, CancellationToken ct)
    {
        try
        {
            await using var connection = await source.OpenConnectionAsync(ct);
            await using var db = StoreTransaction.Context(connection);
            var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.Status }).FirstOrDefaultAsync(ct);
            return run is null ? "missing" : Lifecycle.Name(run.Status);
        }
        catch (Exception e) when (e is DbException or TimeoutException || e is InvalidOperationException { InnerException: DbException })
        {
            return null;
        }
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Ended by the cancellation above.
        }
        _stop.Dispose();
        _token.Dispose();
    }
}
