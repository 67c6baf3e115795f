using Microsoft.EntityFrameworkCore;
using Npgsql;
using TbrmFlow.Engine.Running;
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
        _options = new DbContextOptionsBuilder<RunStoreContext>().UseNpgsql(source).Options;
        var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        Path = $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
        using (var db = new RunStoreContext(_options))
        {
            SchemaVersion = StoreSchema.Apply(db, SchemaOptions(Path));
        }
    }

    /// <summary>Opens the store for a connection string (owning its pool).</summary>
    public PostgresRunStore(string connectionString) : this(NpgsqlDataSource.Create(connectionString), ownsSource: true)
    {
    }

    /// <inheritdoc />
    public string Path { get; }

    // Any constant: serialises schema changes of concurrent starters (many workers start at once).
    private const long SchemaLockKey = 0x7462726d666c6f77;

    /// <summary>
    /// How the run store's one schema (<see cref="StoreSchema"/>) is applied on PostgreSQL: under an advisory lock,
    /// and a version from before it (schema_version N) is N + 1, since PostgreSQL's first step already had attempts.Worker.
    /// </summary>
    public static StoreSchemaOptions SchemaOptions(string store) => new(store, LegacyOffset: 1, LockSql: $"SELECT pg_advisory_xact_lock({SchemaLockKey})");

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
        var (sql, parameters) = Map.Value.For(record);
        using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value switch
            {
                null => DBNull.Value,
                DateTime { Kind: DateTimeKind.Utc } t => t,
                DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
                _ => value,
            });
        }
        command.ExecuteNonQuery();
    }

    // The model does not depend on the connection: built once per process (the first build costs ~1 s).
    private static readonly Lazy<StoreMap> Map = new(() =>
    {
        using var db = new RunStoreContext(new DbContextOptionsBuilder<RunStoreContext>().UseNpgsql("Host=model-only").Options);
        return new StoreMap(db.Model);
    });

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
        .Where(s => s.CacheKey == cacheKey && (s.Status == StageStatus.Succeeded || s.Status == StageStatus.Cached))
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
