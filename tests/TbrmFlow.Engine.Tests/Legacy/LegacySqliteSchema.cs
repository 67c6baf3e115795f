namespace TbrmFlow.Engine.Tests.Legacy;

/// <summary>
/// Test fixture: the SQLite run store's schema as tbrmflow wrote it by hand before <c>StoreSchema</c> (table
/// <c>schema_version</c>, four steps), kept only to build old stores and check that the new code adopts them.
/// </summary>
public static class LegacySqliteSchema
{
    /// <summary>The old steps, in order; index + 1 was the version.</summary>
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
        "ALTER TABLE attempts ADD COLUMN Worker TEXT NULL;",
        "ALTER TABLE runs ADD COLUMN Tracking TEXT NULL;",
        "ALTER TABLE runs ADD COLUMN OwnerStartedAt TEXT NULL;",
    ];

    /// <summary>The SQL the old code ran to bring a new file to <paramref name="version"/> (its journal mode, version table and rows).</summary>
    public static string Script(int version) =>
        "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS schema_version (Version INTEGER NOT NULL, AppliedAt TEXT NOT NULL);"
        + string.Concat(Enumerable.Range(1, version).Select(v => Steps[v - 1] + $"INSERT INTO schema_version (Version, AppliedAt) VALUES ({v}, '2026-01-0{v}T00:00:00.0000000Z');"));
}
