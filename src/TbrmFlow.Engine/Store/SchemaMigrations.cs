using Microsoft.Data.Sqlite;

namespace TbrmFlow.Engine.Store;

/// <summary>
/// Versioned schema: a <c>schema_version</c> table and an ordered list of SQL steps, each applied
/// once in a transaction. Hand-written rather than <c>dotnet ef</c> migrations (the tool is not
/// available offline); a new version appends a step and never edits an old one.
/// </summary>
public static class SchemaMigrations
{
    /// <summary>The steps, in order; index + 1 is the version.</summary>
    public static IReadOnlyList<string> Steps { get; } =
    [
        """
        CREATE TABLE runs (
            Id TEXT NOT NULL PRIMARY KEY, Workflow TEXT NOT NULL, Experiment TEXT NOT NULL, SourceFile TEXT NULL,
            SourceText TEXT NOT NULL, ParamsJson TEXT NOT NULL, Status TEXT NOT NULL, StartedAt TEXT NOT NULL,
            FinishedAt TEXT NULL, Pid INTEGER NOT NULL, Error TEXT NULL);
        CREATE TABLE stages (
            Id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, RunId TEXT NOT NULL, InstanceId TEXT NOT NULL, StageId TEXT NOT NULL,
            Iteration INTEGER NULL, Activity TEXT NOT NULL, ActivityVersion INTEGER NOT NULL, Status TEXT NOT NULL,
            InputsJson TEXT NULL, OutputsJson TEXT NULL, MetricsJson TEXT NULL, CacheKey TEXT NULL, CachedFrom TEXT NULL,
            Attempts INTEGER NOT NULL, StartedAt TEXT NULL, FinishedAt TEXT NULL, DurationS REAL NOT NULL, Error TEXT NULL);
        CREATE UNIQUE INDEX IX_stages_RunId_InstanceId ON stages (RunId, InstanceId);
        CREATE INDEX IX_stages_CacheKey ON stages (CacheKey);
        CREATE TABLE attempts (
            Id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, RunId TEXT NOT NULL, InstanceId TEXT NOT NULL, Number INTEGER NOT NULL,
            Status TEXT NOT NULL, StartedAt TEXT NOT NULL, FinishedAt TEXT NULL, Error TEXT NULL);
        CREATE UNIQUE INDEX IX_attempts_RunId_InstanceId_Number ON attempts (RunId, InstanceId, Number);
        """,
        // 2: the cluster worker of an attempt (null in-process; the PostgreSQL store has the same column).
        "ALTER TABLE attempts ADD COLUMN Worker TEXT NULL;",
        // 3: where the run is tracked (set by cluster submitters; the PostgreSQL store has the same column).
        "ALTER TABLE runs ADD COLUMN Tracking TEXT NULL;",
        // 4: the owner's process start time (with Pid: a run whose owner died reads as interrupted).
        "ALTER TABLE runs ADD COLUMN OwnerStartedAt TEXT NULL;",
    ];

    /// <summary>Brings the database at <paramref name="connection"/> to the newest version; returns it.</summary>
    public static int Apply(SqliteConnection connection)
    {
        Execute(connection, null, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS schema_version (Version INTEGER NOT NULL, AppliedAt TEXT NOT NULL);");
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT COALESCE(MAX(Version), 0) FROM schema_version";
        var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (current > Steps.Count)
        {
            throw new InvalidOperationException($"the run store has schema version {current}, newer than this tbrmflow ({Steps.Count}); upgrade tbrmflow");
        }
        for (var version = current + 1; version <= Steps.Count; version++)
        {
            using var tx = connection.BeginTransaction();
            Execute(connection, tx, Steps[version - 1]);
            Execute(connection, tx, $"INSERT INTO schema_version (Version, AppliedAt) VALUES ({version}, '{DateTime.UtcNow:O}')");
            tx.Commit();
        }
        return Steps.Count;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
