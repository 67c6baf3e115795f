using Microsoft.EntityFrameworkCore;
using Npgsql;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster.Store;

/// <summary>
/// The run store on PostgreSQL (cluster mode), through EF Core's Npgsql provider for reads and
/// upserts on the same connection pool for writes. Writes are synchronous (each is committed when
/// the call returns), because other machines read them at once; thread-safe (a context per call).
/// </summary>
public sealed class PostgresRunStore : IRunStore
{
    private readonly NpgsqlDataSource _source;
    private readonly DbContextOptions<RunStoreContext> _options;
    private readonly bool _ownsSource;

    /// <summary>Opens the store on <paramref name="source"/>, applying schema migrations.</summary>
    public PostgresRunStore(NpgsqlDataSource source, bool ownsSource = false)
    {
        _source = source;
        _ownsSource = ownsSource;
        using (var connection = source.OpenConnection())
        {
            SchemaVersion = PostgresSchema.Apply(connection);
        }
        _options = new DbContextOptionsBuilder<RunStoreContext>().UseNpgsql(source).Options;
        var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        Path = $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>Opens the store for a connection string (owning its pool).</summary>
    public PostgresRunStore(string connectionString) : this(NpgsqlDataSource.Create(connectionString), ownsSource: true)
    {
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <summary>The schema version after migrations.</summary>
    public int SchemaVersion { get; }

    /// <summary>The connection pool.</summary>
    public NpgsqlDataSource DataSource => _source;

    /// <inheritdoc />
    public void SaveRun(RunRecord run) => Write(run);

    /// <inheritdoc />
    public void SaveStage(StageRecord stage) => Write(stage);

    /// <inheritdoc />
    public void SaveAttempt(AttemptRecord attempt) => Write(attempt);

    /// <inheritdoc />
    public void Flush()
    {
        // Every write is committed before its Save call returns.
    }

    private void Write(object record)
    {
        using var connection = _source.OpenConnection();
        Upsert(connection, null, record);
    }

    /// <summary>Inserts or updates <paramref name="record"/> (a run, stage or attempt) inside <paramref name="tx"/>.</summary>
    public static void Upsert(NpgsqlConnection connection, NpgsqlTransaction? tx, object record)
    {
        var (sql, columns) = record switch
        {
            RunRecord => RunSql,
            StageRecord => StageSql,
            AttemptRecord => AttemptSql,
            _ => throw new ArgumentException($"not a store record: {record.GetType().Name}", nameof(record)),
        };
        using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var column in columns)
        {
            var value = record.GetType().GetProperty(column)!.GetValue(record);
            command.Parameters.AddWithValue(column, value switch
            {
                null => DBNull.Value,
                DateTime { Kind: DateTimeKind.Utc } t => t,
                DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
                _ => value,
            });
        }
        command.ExecuteNonQuery();
    }

    private static (string, string[]) Statement(string table, string[] key, string[] columns) =>
        ($"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))}) " +
         $"ON CONFLICT ({string.Join(", ", key.Select(c => $"\"{c}\""))}) DO UPDATE SET {string.Join(", ", columns.Except(key).Select(c => $"\"{c}\" = excluded.\"{c}\""))}", columns);

    private static readonly (string Sql, string[] Columns) RunSql = Statement("runs", ["Id"],
        ["Id", "Workflow", "Experiment", "SourceFile", "SourceText", "ParamsJson", "Status", "StartedAt", "FinishedAt", "Pid", "Error", "Tracking"]);

    private static readonly (string Sql, string[] Columns) StageSql = Statement("stages", ["RunId", "InstanceId"],
        ["RunId", "InstanceId", "StageId", "Iteration", "Activity", "ActivityVersion", "Status", "InputsJson", "OutputsJson", "MetricsJson",
         "CacheKey", "CachedFrom", "Attempts", "StartedAt", "FinishedAt", "DurationS", "Error"]);

    private static readonly (string Sql, string[] Columns) AttemptSql = Statement("attempts", ["RunId", "InstanceId", "Number"],
        ["RunId", "InstanceId", "Number", "Status", "StartedAt", "FinishedAt", "Worker", "Error"]);

    /// <inheritdoc />
    public RunRecord? GetRun(string id) => Read(db => db.Runs.AsNoTracking().FirstOrDefault(r => r.Id == id));

    /// <inheritdoc />
    public List<RunRecord> ListRuns(int limit) => Read(db => db.Runs.AsNoTracking().OrderByDescending(r => r.StartedAt).Take(limit).ToList());

    /// <inheritdoc />
    public List<StageRecord> GetStages(string runId) => Read(db => db.Stages.AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.Id).ToList());

    /// <inheritdoc />
    public List<AttemptRecord> GetAttempts(string runId) => Read(db => db.Attempts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Id).ToList());

    /// <inheritdoc />
    public StageRecord? FindCached(string cacheKey) => Read(db => db.Stages.AsNoTracking()
        .Where(s => s.CacheKey == cacheKey && (s.Status == "succeeded" || s.Status == "cached"))
        .OrderByDescending(s => s.Id).FirstOrDefault());

    private T Read<T>(Func<RunStoreContext, T> query)
    {
        using var db = new RunStoreContext(_options);
        return query(db);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsSource)
        {
            _source.Dispose();
        }
    }
}
