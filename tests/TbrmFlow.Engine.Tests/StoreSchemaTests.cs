using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Engine.Tests.Legacy;
using TbrmFlow.Testing;

namespace TbrmFlow.Engine.Tests;

/// <summary>
/// The SQLite run store's schema comes from the EF Core model (<see cref="StoreSchema"/>): a store made by the
/// old hand-written steps, at any of their versions, opens as exactly the store a fresh file gets, rows intact.
/// </summary>
public sealed class StoreSchemaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tbrmflow-schema").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void LegacyStore_AtEachVersion_OpensAsAFreshStore_WithItsRowsIntact(int legacyVersion)
    {
        var fresh = Path.Combine(_dir, "fresh.db");
        using (var store = new RunStore(fresh))
        {
            Assert.Equal(4, store.SchemaVersion);
        }
        var old = Path.Combine(_dir, $"v{legacyVersion}.db");
        Execute(old, LegacySqliteSchema.Script(legacyVersion) + OldRows);
        var before = Rows(old);

        using (var store = new RunStore(old))
        {
            Assert.Equal(StoreSchema.Steps.Count, store.SchemaVersion);
            var run = store.GetRun("r-old")!;
            Assert.Equal((RunStatus.Failed, "fit: boom", 4242, new DateTime(2026, 1, 1, 10, 0, 0), (DateTime?)null, (string?)null),
                (run.Status, run.Error, run.Pid, run.StartedAt, run.OwnerStartedAt, run.Tracking));
            Assert.Equal(
                [("data", StageStatus.Cached, "{\"n\":3}", 0, 0.0), ("fit", StageStatus.Failed, null, 2, 1.5)],
                store.GetStages("r-old").Select(s => (s.InstanceId, s.Status, s.OutputsJson, s.Attempts, s.DurationS)));
            var attempt = Assert.Single(store.GetAttempts("r-old"));
            Assert.Equal((StageStatus.Failed, 1, (string?)null), (attempt.Status, attempt.Number, attempt.Worker));
        }

        Assert.Equal(Describe(fresh), Describe(old));
        // Every old value of every old row reads back as it was written; the added columns are null.
        var after = Rows(old);
        foreach (var (table, rows) in before)
        {
            Assert.Equal(rows.Count, after[table].Count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(rows[i], after[table][i].Where(c => rows[i].ContainsKey(c.Key)).ToDictionary());
                Assert.All(after[table][i].Where(c => !rows[i].ContainsKey(c.Key)), c => Assert.Equal(DBNull.Value, c.Value));
            }
        }
    }

    [Fact]
    public void FreshStore_HasTheLegacyTablesColumnForColumn()
    {
        var fresh = Path.Combine(_dir, "fresh.db");
        new RunStore(fresh).Dispose();
        var legacy = Path.Combine(_dir, "legacy.db");
        Execute(legacy, LegacySqliteSchema.Script(LegacySqliteSchema.Steps.Count));
        // The tables the generated SQL makes are the hand-written ones: names, types, not-null, keys, indexes, order.
        Assert.Equal(Describe(legacy).Where(l => !l.Contains("schema", StringComparison.Ordinal)),
            Describe(fresh).Where(l => !l.Contains("schema", StringComparison.Ordinal) && !l.StartsWith("version", StringComparison.Ordinal)));
    }

    [Fact]
    public void NewerStore_IsRefused_AndOlderTbrmflowWouldRefuseThisOne()
    {
        var path = Path.Combine(_dir, "runs.db");
        new RunStore(path).Dispose();
        // What the old code checked: schema_version above its four steps means "newer than this tbrmflow".
        Assert.True(Scalar(path, "SELECT MAX(Version) FROM schema_version") > LegacySqliteSchema.Steps.Count);

        Execute(path, $"INSERT INTO store_schema VALUES ({StoreSchema.Steps.Count + 1}, '2027-01-01', 'from the future')");
        var error = Assert.Throws<StoreVersionException>(() => new RunStore(path));
        Assert.Equal($"the run store {Path.GetFullPath(path)} has schema version {StoreSchema.Steps.Count + 1}, newer than this tbrmflow ({StoreSchema.Steps.Count}); upgrade tbrmflow", error.Message);
        Assert.Equal(StoreSchema.Steps.Count + 1, Scalar(path, "SELECT MAX(Version) FROM store_schema"));
    }

    [Fact]
    public void StoresOpenedAtOnce_ApplyTheSchemaOnce()
    {
        var path = Path.Combine(_dir, "runs.db");
        var versions = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ =>
        {
            using var store = new RunStore(path);
            return store.SchemaVersion;
        }).ToList();
        Assert.All(versions, v => Assert.Equal(StoreSchema.Steps.Count, v));
        Assert.Equal(StoreSchema.Steps.Count, Scalar(path, "SELECT count(*) FROM store_schema"));
    }

    [Fact]
    public async Task UpToDateStore_OpensWhileAnotherProcessWrites()
    {
        var path = Path.Combine(_dir, "runs.db");
        new RunStore(path).Dispose();
        using var writer = Open(path);
        using var tx = writer.BeginTransaction();
        // Opening an up-to-date store only reads its version: it does not wait for the writer's lock (30 s).
        var open = Task.Run(() =>
        {
            using var store = new RunStore(path);
            return store.SchemaVersion;
        });
        Assert.Same(open, await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(StoreSchema.Steps.Count, await open);
    }

    [Fact]
    public void AddingAStageColumn_IsOnePropertyAndOneStep()
    {
        IReadOnlyList<StoreStep> wider = [.. StoreSchema.Steps, StoreStep.Column<StageRecord>("Note", "a test column")];
        int Open(string path)
        {
            using var db = new WiderStoreContext(new DbContextOptionsBuilder<WiderStoreContext>().UseSqlite($"Data Source={path};Pooling=False").Options);
            return StoreSchema.Apply(db, wider, new StoreSchemaOptions(path, LegacyOffset: 0));
        }
        var upgraded = Path.Combine(_dir, "upgraded.db");
        Execute(upgraded, LegacySqliteSchema.Script(1) + OldRows);
        using (var store = new RunStore(upgraded))
        {
            Assert.Equal(4, store.SchemaVersion);
        }
        Assert.Equal(5, Open(upgraded));
        var fresh = Path.Combine(_dir, "fresh.db");
        Assert.Equal(5, Open(fresh));

        Assert.Equal(Describe(fresh), Describe(upgraded));
        Assert.Contains("stages.Note TEXT notnull=0 pk=0 default=", Describe(fresh));
        using (var db = new WiderStoreContext(new DbContextOptionsBuilder<WiderStoreContext>().UseSqlite("Data Source=:memory:").Options))
        {
            Assert.Equal(["ALTER TABLE \"stages\" ADD \"Note\" TEXT NULL;"], StoreSchema.Sql(db, wider, 5).Select(s => s.Trim()));
        }
        // To the product's list (four steps) that store is newer.
        Assert.Contains("has schema version 5, newer than this tbrmflow (4)", Assert.Throws<StoreVersionException>(() => new RunStore(fresh)).Message);
    }

    private const string OldRows =
        "INSERT INTO runs (Id, Workflow, Experiment, SourceFile, SourceText, ParamsJson, Status, StartedAt, FinishedAt, Pid, Error) VALUES "
        + "('r-old', 'hello', 'hello', '/w/hello.yaml', 'name: hello', '{\"n\":3}', 'failed', '2026-01-01 10:00:00', '2026-01-01 10:05:00', 4242, 'fit: boom');"
        + "INSERT INTO stages (RunId, InstanceId, StageId, Iteration, Activity, ActivityVersion, Status, InputsJson, OutputsJson, MetricsJson, CacheKey, CachedFrom, Attempts, StartedAt, FinishedAt, DurationS, Error) VALUES "
        + "('r-old', 'data', 'data', NULL, 'data.arithmetic', 1, 'cached', '{}', '{\"n\":3}', '{}', 'k1', 'r0/data', 0, NULL, '2026-01-01 10:00:01', 0, NULL),"
        + "('r-old', 'fit', 'fit', 2, 'demo.fit_sum', 1, 'failed', '{\"a\":1}', NULL, '{\"loss\":0.5}', NULL, NULL, 2, '2026-01-01 10:00:01', '2026-01-01 10:05:00', 1.5, 'boom');"
        + "INSERT INTO attempts (RunId, InstanceId, Number, Status, StartedAt, FinishedAt, Error) VALUES ('r-old', 'fit', 1, 'failed', '2026-01-01 10:00:01', '2026-01-01 10:05:00', 'boom');";

    /// <summary>Every table's columns (name, type, not-null, key, default, in order), indexes, AUTOINCREMENT, and the schema version.</summary>
    private static List<string> Describe(string path)
    {
        using var connection = Open(path);
        var lines = new List<string>();
        foreach (var (table, sql) in Query(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").Select(r => ((string)r[0], (string)r[1])))
        {
            lines.Add($"table {table} autoincrement={sql.Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase)}");
            lines.AddRange(Query(connection, $"SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info('{table}') ORDER BY cid")
                .Select(r => $"{table}.{r[0]} {r[1]} notnull={r[2]} pk={r[3]} default={r[4]}"));
            foreach (var index in Query(connection, $"SELECT name, \"unique\", origin FROM pragma_index_list('{table}') ORDER BY name"))
            {
                var columns = Query(connection, $"SELECT name FROM pragma_index_info('{index[0]}') ORDER BY seqno").Select(r => (string)r[0]);
                lines.Add($"index {index[0]} on {table} unique={index[1]} origin={index[2]} ({string.Join(", ", columns)})");
            }
        }
        if (lines.Contains("table store_schema autoincrement=False"))
        {
            lines.Add($"version {Scalar(path, "SELECT MAX(Version) FROM store_schema")}");
            lines.Add($"version guard {Scalar(path, "SELECT MAX(Version) FROM schema_version")}");
        }
        return lines;
    }

    /// <summary>Every row of the three tables, in id order, as column -> value.</summary>
    private static Dictionary<string, List<Dictionary<string, object>>> Rows(string path)
    {
        using var connection = Open(path);
        return new[] { "runs", "stages", "attempts" }.ToDictionary(t => t, t =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {t} ORDER BY Id";
            using var reader = command.ExecuteReader();
            var rows = new List<Dictionary<string, object>>();
            while (reader.Read())
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, reader.GetValue));
            }
            return rows;
        });
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static List<object[]> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return DbRows.Read(command);
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
