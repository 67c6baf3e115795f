using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace TbrmFlow.Engine.Store;

/// <summary>
/// Writes store records in the background, many per transaction, as upserts keyed by run and
/// instance (and attempt number). Callers enqueue snapshots, so they may keep mutating their
/// records. After a crash the last few milliseconds of records may be missing; resume then simply
/// runs those stages again.
/// </summary>
internal sealed class StoreWriter : IAsyncDisposable
{
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Task _loop;

    private readonly StoreMap _map;

    public StoreWriter(string path, StoreMap map)
    {
        _map = map;
        _connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=30");
        _connection.Open();
        using var pragma = _connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
        pragma.ExecuteNonQuery();
        _loop = Task.Run(LoopAsync);
    }

    public void Enqueue(object snapshot) => _queue.Writer.TryWrite(snapshot);

    /// <summary>Returns when everything enqueued before the call is committed.</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(done) ? done.Task : Task.CompletedTask;
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var flushed = new List<TaskCompletionSource>();
        while (await reader.WaitToReadAsync())
        {
            try
            {
                using var tx = _connection.BeginTransaction();
                while (reader.TryRead(out var item))
                {
                    switch (item)
                    {
                        case TaskCompletionSource marker: flushed.Add(marker); break;
                        default: Upsert(tx, item); break;
                    }
                }
                tx.Commit();
                flushed.ForEach(f => f.TrySetResult());
            }
            catch (SqliteException e)
            {
                // A full disk or a read-only file: the batch is rolled back and its flushes fail; the writer goes on
                // (a later save of the same records, e.g. the run marked failed once space is freed, can succeed).
                flushed.ForEach(f => f.TrySetException(e));
                Failed?.Invoke(e);
            }
            flushed.Clear();
        }
    }

    /// <summary>Told each failed batch (on the writer's task).</summary>
    public event Action<Exception>? Failed;

    private void Upsert(SqliteTransaction tx, object record)
    {
        var (sql, parameters) = _map.For(record);
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue("@" + name, value switch
            {
                null => DBNull.Value,
                // EF Core's SQLite format, so its reads parse what this writes.
                DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture),
                _ => value,
            });
        }
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _connection.DisposeAsync();
    }
}
