namespace TbrmFlow.Engine.Store;

/// <summary>
/// Where runs, stage instances and attempts are recorded: the SQLite <see cref="RunStore"/> on one
/// machine, a PostgreSQL store in cluster mode (src/TbrmFlow.Cluster). Implementations are thread-safe.
/// </summary>
public interface IRunStore : IDisposable
{
    /// <summary>Where the store lives (a file path or a database description), for messages.</summary>
    string Path { get; }

    /// <summary>Inserts or updates a run.</summary>
    void SaveRun(RunRecord run);

    /// <summary>Inserts or updates a stage instance, keyed by run and instance id.</summary>
    void SaveStage(StageRecord stage);

    /// <summary>Inserts or updates an attempt, keyed by run, instance and number.</summary>
    void SaveAttempt(AttemptRecord attempt);

    /// <summary>Waits until every save so far is committed.</summary>
    void Flush();

    /// <summary>One run, or null.</summary>
    RunRecord? GetRun(string id);

    /// <summary>The newest runs first.</summary>
    List<RunRecord> ListRuns(int limit);

    /// <summary>A run's stage instances in start order.</summary>
    List<StageRecord> GetStages(string runId);

    /// <summary>A run's attempts in start order.</summary>
    List<AttemptRecord> GetAttempts(string runId);

    /// <summary>The newest succeeded stage with this cache key (from any run), or null.</summary>
    StageRecord? FindCached(string cacheKey);
}
