using Microsoft.EntityFrameworkCore;
using Npgsql;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster.Store;

/// <summary>
/// One transaction on the cluster's run store: a pooled connection, its transaction, and an EF context
/// (<see cref="RunStoreContext"/>, the one store map) enlisted in both, so that every query and update of the
/// advancer, the canceller and a stage's claim reads and writes through the model (no column list, status
/// converters applied) and sees what the same transaction locked and wrote. The context is made per
/// transaction and nothing is tracked (<see cref="EntityFrameworkQueryableExtensions.AsNoTracking{TEntity}(IQueryable{TEntity})"/>
/// on every read, writes are set-based), so no entity read before another worker's commit is ever served again.
/// </summary>
public sealed class StoreTransaction : IDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private StoreTransaction(NpgsqlConnection connection)
    {
        _connection = connection;
        _transaction = connection.BeginTransaction();
        Db = Context(connection);
        Db.Database.UseTransaction(_transaction);
    }

    /// <summary>The model on this transaction.</summary>
    public RunStoreContext Db { get; }

    /// <summary>Opens a connection from <paramref name="source"/> and begins a transaction on it.</summary>
    public static StoreTransaction Begin(NpgsqlDataSource source)
    {
        var connection = source.OpenConnection();
        try
        {
            return new StoreTransaction(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A context on an open <paramref name="connection"/> (which the caller keeps owning).</summary>
    public static RunStoreContext Context(NpgsqlConnection connection) =>
        new(new DbContextOptionsBuilder<RunStoreContext>().UseNpgsql(connection).Options);

    /// <summary>
    /// Locks the run's row until the transaction ends (<c>SELECT ... FOR UPDATE</c>, the one lock every advance,
    /// claim and cancel of the run takes) and reads it; null when there is no such run.
    /// </summary>
    public RunRecord? LockRun(string runId)
    {
        // EF has no LINQ for a row lock: the statement is raw, but its table and key column come from the model
        // (SELECT *: EF maps the columns by name, so a new column needs no edit here).
        var entity = Db.Model.FindEntityType(typeof(RunRecord))!;
        var key = entity.FindPrimaryKey()!.Properties.Single().GetColumnName();
        // Only the model's names are spliced in; the run id is a parameter.
        var sql = $"SELECT * FROM {entity.GetTableName()} WHERE \"{key}\" = {{0}} FOR UPDATE";
        // AsEnumerable: EF runs the statement as written (composed into a subquery, the lock would still hold, but
        // there is nothing to compose).
        return Db.Runs.FromSqlRaw(sql, runId).AsNoTracking().AsEnumerable().FirstOrDefault();
    }

    /// <summary>The run's top-level stage records (sub-stages of repeats excluded), in the order they were made.</summary>
    public List<StageRecord> TopLevelStages(string runId) =>
        [.. Db.Stages.AsNoTracking().Where(s => s.RunId == runId && s.Iteration == null).OrderBy(s => s.Id)];

    /// <summary>The stage record of one instance (for set-based updates).</summary>
    public IQueryable<StageRecord> Stage(string runId, string instanceId) =>
        Db.Stages.Where(s => s.RunId == runId && s.InstanceId == instanceId);

    /// <summary>The attempts of a top-level instance and of its repeat's sub-stages (<c>id[iter=N]...</c>).</summary>
    public IQueryable<AttemptRecord> AttemptsOf(string runId, string instanceId)
    {
        var prefix = instanceId + "[iter=";
        return Db.Attempts.Where(a => a.RunId == runId && (a.InstanceId == instanceId || a.InstanceId.StartsWith(prefix)));
    }

    /// <summary>Inserts or updates a whole record (<see cref="PostgresRunStore.Upsert"/>) inside the transaction.</summary>
    public void Save(object record) => PostgresRunStore.Upsert(_connection, _transaction, record);

    /// <summary>Commits.</summary>
    public void Commit() => _transaction.Commit();

    /// <inheritdoc />
    public void Dispose()
    {
        Db.Dispose();
        _transaction.Dispose();
        _connection.Dispose();
    }
}
