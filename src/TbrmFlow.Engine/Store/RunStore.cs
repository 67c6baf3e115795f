using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>
/// The run store: a SQLite file through EF Core. Thread-safe (one context behind a lock; stages
/// finish concurrently and each write is short). Records are detached after every call.
/// </summary>
public sealed class RunStore : IRunStore
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
        using (var pragma = _connection.CreateCommand())
        {
            // WAL + NORMAL: a commit survives a process kill (not a power cut) without an fsync per write.
            // (journal_mode cannot change inside the schema's transaction, so it is set first.)
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
            pragma.ExecuteNonQuery();
        }
        _db = new RunStoreContext(new DbContextOptionsBuilder<RunStoreContext>().UseSqlite(_connection).Options);
        _db.ChangeTracker.AutoDetectChangesEnabled = false;
        SchemaVersion = StoreSchema.Apply(_db, new StoreSchemaOptions(Path, LegacyOffset: 0));
        _writer = new StoreWriter(Path, new StoreMap(_db.Model));
    }

    private readonly StoreWriter _writer;

    /// <summary>Told when a background write fails (disk full, read-only file): the records of that batch are not stored.</summary>
    public event Action<Exception>? WriteFailed
    {
        add => _writer.Failed += value;
        remove => _writer.Failed -= value;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The schema version after migrations.</summary>
    public int SchemaVersion { get; }

    /// <summary>Inserts or updates a run (written in the background; reads below see it).</summary>
    public void SaveRun(RunRecord run) => _writer.Enqueue(Copy(run));

    /// <summary>Inserts or updates a stage instance, keyed by run and instance id.</summary>
    public void SaveStage(StageRecord stage) => _writer.Enqueue(Copy(stage));

    /// <summary>Inserts or updates an attempt, keyed by run, instance and number.</summary>
    public void SaveAttempt(AttemptRecord attempt) => _writer.Enqueue(Copy(attempt));

    /// <summary>Waits until every save so far is committed.</summary>
    public void Flush() => _writer.FlushAsync().GetAwaiter().GetResult();

    private static T Copy<T>(T record) where T : class
    {
        var copy = (T)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(T));
        foreach (var p in typeof(T).GetProperties())
        {
            p.SetValue(copy, p.GetValue(record));
        }
        return copy;
    }

    /// <summary>One run, or null; a run whose owner died reads as interrupted (<see cref="RunOwner"/>).</summary>
    public RunRecord? GetRun(string id)
    {
        var run = ReadFlushed(db => db.Runs.AsNoTracking().FirstOrDefault(r => r.Id == id));
        if (run is not null)
        {
            RunOwner.Resolve(run);
        }
        return run;
    }

    /// <summary>The newest runs first; runs whose owner died read as interrupted.</summary>
    public List<RunRecord> ListRuns(int limit)
    {
        var runs = ReadFlushed(db => db.Runs.AsNoTracking().OrderByDescending(r => r.StartedAt).Take(limit).ToList());
        runs.ForEach(r => RunOwner.Resolve(r));
        return runs;
    }

    /// <summary>A run's stage instances in start order (of a run whose owner died: unfinished ones read as interrupted).</summary>
    public List<StageRecord> GetStages(string runId)
    {
        var stages = ReadFlushed(db => db.Stages.AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.Id).ToList());
        if (Interrupted(runId))
        {
            RunOwner.Resolve(stages);
        }
        return stages;
    }

    /// <summary>A run's attempts in start order (of a run whose owner died: running ones read as interrupted).</summary>
    public List<AttemptRecord> GetAttempts(string runId)
    {
        var attempts = ReadFlushed(db => db.Attempts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Id).ToList());
        if (Interrupted(runId))
        {
            RunOwner.Resolve(attempts);
        }
        return attempts;
    }

    private bool Interrupted(string runId) => Read(db => db.Runs.AsNoTracking().FirstOrDefault(r => r.Id == runId)) is { } run && RunOwner.Resolve(run);

    /// <summary>The newest succeeded stage with this cache key (from any run), or null.</summary>
    public StageRecord? FindCached(string cacheKey) => Read(db => CachedQuery(db, cacheKey));

    // Compiled once: this lookup runs for every cacheable stage, so LINQ translation must not.
    private static readonly Func<RunStoreContext, string, StageRecord?> CachedQuery = EF.CompileQuery((RunStoreContext db, string key) =>
        db.Stages.AsNoTracking()
            .Where(s => s.CacheKey == key && (s.Status == StageStatus.Succeeded || s.Status == StageStatus.Cached))
            .OrderByDescending(s => s.Id).FirstOrDefault());

    private T ReadFlushed<T>(Func<RunStoreContext, T> query)
    {
        Flush();
        return Read(query);
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
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _db.Dispose();
        _connection.Dispose();
    }
}
