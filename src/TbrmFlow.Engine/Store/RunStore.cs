using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace TbrmFlow.Engine.Store;

/// <summary>
/// The run store: a SQLite file through EF Core. Thread-safe (one context behind a lock; stages
/// finish concurrently and each write is short). Records are detached after every call.
/// </summary>
public sealed class RunStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly RunStoreContext _db;

    /// <summary>Opens (creating and migrating when needed) the store at <paramref name="path"/>.</summary>
    public RunStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connection = new SqliteConnection($"Data Source={Path};Pooling=False;Default Timeout=30");
        _connection.Open();
        SchemaVersion = SchemaMigrations.Apply(_connection);
        using (var pragma = _connection.CreateCommand())
        {
            // WAL + NORMAL: a commit survives a process kill (not a power cut) without an fsync per write.
            pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
            pragma.ExecuteNonQuery();
        }
        _db = new RunStoreContext(new DbContextOptionsBuilder<RunStoreContext>().UseSqlite(_connection).Options);
        _db.ChangeTracker.AutoDetectChangesEnabled = false;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The schema version after migrations.</summary>
    public int SchemaVersion { get; }

    /// <summary>Inserts or updates a run.</summary>
    public void SaveRun(RunRecord run) => Write(db =>
    {
        if (db.Runs.AsNoTracking().Any(r => r.Id == run.Id))
        {
            db.Runs.Update(run);
        }
        else
        {
            db.Runs.Add(run);
        }
    });

    /// <summary>Inserts (Id 0) or updates a stage instance; the record gets its row id.</summary>
    public void SaveStage(StageRecord stage) => Write(db =>
    {
        if (stage.Id == 0)
        {
            db.Stages.Add(stage);
        }
        else
        {
            db.Stages.Update(stage);
        }
    });

    /// <summary>Inserts or updates an attempt.</summary>
    public void SaveAttempt(AttemptRecord attempt) => Write(db =>
    {
        if (attempt.Id == 0)
        {
            db.Attempts.Add(attempt);
        }
        else
        {
            db.Attempts.Update(attempt);
        }
    });

    /// <summary>One run, or null.</summary>
    public RunRecord? GetRun(string id) => Read(db => db.Runs.AsNoTracking().FirstOrDefault(r => r.Id == id));

    /// <summary>The newest runs first.</summary>
    public List<RunRecord> ListRuns(int limit) => Read(db => db.Runs.AsNoTracking().OrderByDescending(r => r.StartedAt).Take(limit).ToList());

    /// <summary>A run's stage instances in start order.</summary>
    public List<StageRecord> GetStages(string runId) => Read(db => db.Stages.AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.Id).ToList());

    /// <summary>A run's attempts in start order.</summary>
    public List<AttemptRecord> GetAttempts(string runId) => Read(db => db.Attempts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Id).ToList());

    /// <summary>The newest succeeded stage with this cache key (from any run), or null.</summary>
    public StageRecord? FindCached(string cacheKey) => Read(db => db.Stages.AsNoTracking()
        .Where(s => s.CacheKey == cacheKey && (s.Status == "succeeded" || s.Status == "cached"))
        .OrderByDescending(s => s.Id).FirstOrDefault());

    private void Write(Action<RunStoreContext> change)
    {
        lock (_gate)
        {
            try
            {
                change(_db);
                _db.SaveChanges();
            }
            finally
            {
                _db.ChangeTracker.Clear();
            }
        }
    }

    private T Read<T>(Func<RunStoreContext, T> query)
    {
        lock (_gate)
        {
            return query(_db);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _db.Dispose();
        _connection.Dispose();
    }
}
