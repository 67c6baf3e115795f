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

    public StoreWriter(string path)
    {
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
                        case RunRecord run: Upsert(tx, RunSql, run); break;
                        case StageRecord stage: Upsert(tx, StageSql, stage); break;
                        case AttemptRecord attempt: Upsert(tx, AttemptSql, attempt); break;
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

    private void Upsert(SqliteTransaction tx, (string Sql, string[] Columns) statement, object record)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = statement.Sql;
        foreach (var column in statement.Columns)
        {
            var value = record.GetType().GetProperty(column)!.GetValue(record);
            command.Parameters.AddWithValue("@" + column, value switch
            {
                null => DBNull.Value,
                DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture),
                _ => value,
            });
        }
        command.ExecuteNonQuery();
    }

    private static (string, string[]) Statement(string table, string[] key, string[] columns) =>
        ($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))}) " +
         $"ON CONFLICT({string.Join(", ", key)}) DO UPDATE SET {string.Join(", ", columns.Except(key).Select(c => $"{c} = excluded.{c}"))}", columns);

    private static readonly (string Sql, string[] Columns) RunSql = Statement("runs", ["Id"],
        ["Id", "Workflow", "Experiment", "SourceFile", "SourceText", "ParamsJson", "Status", "StartedAt", "FinishedAt", "Pid", "Error", "Tracking"]);

    private static readonly (string Sql, string[] Columns) StageSql = Statement("stages", ["RunId", "InstanceId"],
        ["RunId", "InstanceId", "StageId", "Iteration", "Activity", "ActivityVersion", "Status", "InputsJson", "OutputsJson", "MetricsJson",
         "CacheKey", "CachedFrom", "Attempts", "StartedAt", "FinishedAt", "DurationS", "Error"]);

    private static readonly (string Sql, string[] Columns) AttemptSql = Statement("attempts", ["RunId", "InstanceId", "Number"],
        ["RunId", "InstanceId", "Number", "Status", "StartedAt", "FinishedAt", "Worker", "Error"]);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _connection.DisposeAsync();
    }
}
