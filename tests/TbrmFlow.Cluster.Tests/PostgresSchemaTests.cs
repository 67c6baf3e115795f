using Microsoft.EntityFrameworkCore;
using Npgsql;
using TbrmFlow.Cluster.Store;
using TbrmFlow.Cluster.Tests.Legacy;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Testing;

namespace TbrmFlow.Cluster.Tests;

/// <summary>
/// The PostgreSQL run store's schema comes from the EF Core model (<see cref="StoreSchema"/>): a database made by
/// the old hand-written steps, at any of their versions, opens as exactly the store a fresh database gets, rows intact.
/// </summary>
public sealed class PostgresSchemaTests
{
    [PostgresFact]
    public void LegacyStore_AtEachVersion_OpensAsAFreshStore_WithItsRowsIntact()
    {
        using var freshDb = new TestDatabase();
        using (var store = new PostgresRunStore(freshDb.ConnectionString))
        {
            Assert.Equal(StoreSchema.Steps.Count, store.SchemaVersion);
        }
        var fresh = Describe(freshDb.ConnectionString);
        for (var legacyVersion = 1; legacyVersion <= LegacyPostgresSchema.Steps.Count; legacyVersion++)
        {
            using var oldDb = new TestDatabase();
            Execute(oldDb.ConnectionString, LegacyPostgresSchema.Script(legacyVersion) + OldRows);
            var before = Rows(oldDb.ConnectionString);
            using (var store = new PostgresRunStore(oldDb.ConnectionString))
            {
                Assert.Equal(StoreSchema.Steps.Count, store.SchemaVersion);
                var run = store.GetRun("r-old")!;
                Assert.Equal((RunStatus.Failed, "fit: boom", new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc), (DateTime?)null, (string?)null),
                    (run.Status, run.Error, run.StartedAt, run.OwnerStartedAt, run.Tracking));
                Assert.Equal(
                    [("data", StageStatus.Cached, "{\"n\":3}", 0, 0.0), ("fit", StageStatus.Failed, null, 2, 1.5)],
                    store.GetStages("r-old").Select(s => (s.InstanceId, s.Status, s.OutputsJson, s.Attempts, s.DurationS)));
                Assert.Equal((StageStatus.Failed, "host:1"), store.GetAttempts("r-old").Select(a => (a.Status, a.Worker)).Single());
            }
            Assert.Equal(fresh, Describe(oldDb.ConnectionString));
            var after = Rows(oldDb.ConnectionString);
            foreach (var (table, rows) in before)
            {
                Assert.Equal(rows.Count, after[table].Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    Assert.Equal(rows[i], after[table][i].Where(c => rows[i].ContainsKey(c.Key)).ToDictionary());
                    Assert.All(after[table][i].Where(c => !rows[i].ContainsKey(c.Key)), c => Assert.Equal(DBNull.Value, c.Value));
                }
            }
            // The identity goes on after the old rows.
            using (var store = new PostgresRunStore(oldDb.ConnectionString))
            {
                store.SaveStage(new StageRecord { RunId = "r-old", InstanceId = "eval", StageId = "eval", Activity = "eval.exact", Status = StageStatus.Pending });
                Assert.Equal(["data", "fit", "eval"], store.GetStages("r-old").Select(s => s.InstanceId));
            }
        }
    }

    [PostgresFact]
    public void FreshStore_HasTheLegacyTablesColumnForColumn()
    {
        using var freshDb = new TestDatabase();
        new PostgresRunStore(freshDb.ConnectionString).Dispose();
        using var legacyDb = new TestDatabase();
        Execute(legacyDb.ConnectionString, LegacyPostgresSchema.Script(LegacyPostgresSchema.Steps.Count));
        // Types, nullability, identities, keys and index definitions as the hand-written SQL made them.
        static IEnumerable<string> Tables(IEnumerable<string> lines) => lines.Where(l => !l.Contains("schema", StringComparison.Ordinal) && !l.StartsWith("version", StringComparison.Ordinal));
        Assert.Equal(Tables(Describe(legacyDb.ConnectionString)), Tables(Describe(freshDb.ConnectionString)));
    }

    [PostgresFact]
    public void NewerStore_IsRefused_AndOlderTbrmflowWouldRefuseThisOne()
    {
        using var db = new TestDatabase();
        new PostgresRunStore(db.ConnectionString).Dispose();
        // What the old code checked: schema_version above its three steps means "newer than this tbrmflow".
        Assert.True(Scalar(db.ConnectionString, """SELECT MAX("Version") FROM schema_version""") > LegacyPostgresSchema.Steps.Count);

        var newer = StoreSchema.Steps.Count + 1;
        Execute(db.ConnectionString, $"INSERT INTO store_schema VALUES ({newer}, now(), 'from the future')");
        var error = Assert.Throws<StoreVersionException>(() => new PostgresRunStore(db.ConnectionString));
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        Assert.Equal($"the run store postgresql://{builder.Host}:{builder.Port}/{builder.Database} has schema version {newer}, newer than this tbrmflow ({StoreSchema.Steps.Count}); upgrade tbrmflow", error.Message);
    }

    [PostgresFact]
    public void LegacyStore_OpenedByManyWorkersAtOnce_IsAdoptedOnce()
    {
        using var db = new TestDatabase();
        Execute(db.ConnectionString, LegacyPostgresSchema.Script(1) + OldRows);
        var versions = Enumerable.Range(0, 6).AsParallel().WithDegreeOfParallelism(6).Select(_ =>
        {
            using var store = new PostgresRunStore(db.ConnectionString);
            return store.SchemaVersion;
        }).ToList();
        Assert.All(versions, v => Assert.Equal(StoreSchema.Steps.Count, v));
        // Adopted at 2 (PostgreSQL's version 1 had attempts.Worker), then steps 3 and 4: one row each.
        Assert.Equal([2, 3, 4], Query(db.ConnectionString, """SELECT "Version" FROM store_schema ORDER BY "Version" """).Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [PostgresFact]
    public void AddingAStageColumn_IsOnePropertyAndOneStep()
    {
        IReadOnlyList<StoreStep> wider = [.. StoreSchema.Steps, StoreStep.Column<StageRecord>("Note", "a test column")];
        static WiderStoreContext Context(string connectionString) => new(new DbContextOptionsBuilder<WiderStoreContext>().UseNpgsql(connectionString).Options);
        using var upgradedDb = new TestDatabase();
        Execute(upgradedDb.ConnectionString, LegacyPostgresSchema.Script(1) + OldRows);
        new PostgresRunStore(upgradedDb.ConnectionString).Dispose();
        using (var db = Context(upgradedDb.ConnectionString))
        {
            Assert.Equal(5, StoreSchema.Apply(db, wider, PostgresRunStore.SchemaOptions("upgraded")));
            Assert.Equal(["ALTER TABLE stages ADD \"Note\" text;"], StoreSchema.Sql(db, wider, 5).Select(s => s.Trim()));
        }
        using var freshDb = new TestDatabase();
        using (var db = Context(freshDb.ConnectionString))
        {
            Assert.Equal(5, StoreSchema.Apply(db, wider, PostgresRunStore.SchemaOptions("fresh")));
        }

        var fresh = Describe(freshDb.ConnectionString);
        Assert.Equal(fresh, Describe(upgradedDb.ConnectionString));
        Assert.Contains("stages.Note text nullable=YES identity=NO  default=", fresh);
        // To the product's list (four steps) that store is newer.
        Assert.Contains("has schema version 5, newer than this tbrmflow (4)", Assert.Throws<StoreVersionException>(() => new PostgresRunStore(freshDb.ConnectionString)).Message);
    }

    private const string OldRows =
        """
        INSERT INTO runs ("Id", "Workflow", "Experiment", "SourceFile", "SourceText", "ParamsJson", "Status", "StartedAt", "FinishedAt", "Pid", "Error")
        VALUES ('r-old', 'hello', 'hello', NULL, 'name: hello', '{"n":3}', 'failed', '2026-01-01 10:00:00+00', '2026-01-01 10:05:00+00', 0, 'fit: boom');
        INSERT INTO stages ("RunId", "InstanceId", "StageId", "Iteration", "Activity", "ActivityVersion", "Status", "InputsJson", "OutputsJson", "MetricsJson", "CacheKey", "CachedFrom", "Attempts", "StartedAt", "FinishedAt", "DurationS", "Error")
        VALUES ('r-old', 'data', 'data', NULL, 'data.arithmetic', 1, 'cached', '{}', '{"n":3}', '{}', 'k1', 'r0/data', 0, NULL, '2026-01-01 10:00:01+00', 0, NULL),
               ('r-old', 'fit', 'fit', 2, 'demo.fit_sum', 1, 'failed', '{"a":1}', NULL, '{"loss":0.5}', NULL, NULL, 2, '2026-01-01 10:00:01+00', '2026-01-01 10:05:00+00', 1.5, 'boom');
        INSERT INTO attempts ("RunId", "InstanceId", "Number", "Status", "StartedAt", "FinishedAt", "Worker", "Error")
        VALUES ('r-old', 'fit', 1, 'failed', '2026-01-01 10:00:01+00', '2026-01-01 10:05:00+00', 'host:1', 'boom');
        """;

    /// <summary>Every column (type, nullability, identity, default; by name), index and constraint in schema public, and the versions.</summary>
    private static List<string> Describe(string connectionString)
    {
        var lines = Query(connectionString, """
            SELECT table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable || ' identity=' || is_identity
                   || ' ' || coalesce(identity_generation, '') || ' default=' || coalesce(column_default, '')
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_version' ORDER BY table_name, column_name
            """).Select(r => (string)r[0]).ToList();
        lines.AddRange(Query(connectionString, "SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname").Select(r => (string)r[0]));
        lines.AddRange(Query(connectionString, "SELECT 'constraint ' || conname || ' ' || contype::text || ' on ' || conrelid::regclass::text FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conname").Select(r => (string)r[0]));
        if (Scalar(connectionString, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'store_schema'") > 0)
        {
            lines.Add($"version {Scalar(connectionString, """SELECT MAX("Version") FROM store_schema""")}");
            lines.Add($"version guard {Scalar(connectionString, """SELECT MAX("Version") FROM schema_version""")}");
        }
        return lines;
    }

    /// <summary>Every row of the three tables, in id order, as column -> value.</summary>
    private static Dictionary<string, List<Dictionary<string, object>>> Rows(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return new[] { "runs", "stages", "attempts" }.ToDictionary(t => t, t =>
        {
            using var command = new NpgsqlCommand($"""SELECT * FROM {t} ORDER BY "Id" """, connection);
            using var reader = command.ExecuteReader();
            var rows = new List<Dictionary<string, object>>();
            while (reader.Read())
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, reader.GetValue));
            }
            return rows;
        });
    }

    private static List<object[]> Query(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return DbRows.Read(command);
    }

    private static long Scalar(string connectionString, string sql) =>
        Convert.ToInt64(Query(connectionString, sql).Single()[0], System.Globalization.CultureInfo.InvariantCulture);

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
