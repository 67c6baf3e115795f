using TbrmFlow.Cluster.Store;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster.Tests;

public sealed class PostgresStoreTests
{
    private static RunRecord Run(string id, DateTime started) => new()
    {
        Id = id,
        Workflow = "w",
        Experiment = "w",
        SourceText = "name: w",
        ParamsJson = "{}",
        Status = RunStatus.Running,
        StartedAt = started,
    };

    [PostgresFact]
    public void Store_UpsertsByKey_ListsNewestFirst_AndFindsCachedStages()
    {
        using var db = new TestDatabase();
        using var store = new PostgresRunStore(db.ConnectionString);
        Assert.Equal(StoreSchema.Steps.Count, store.SchemaVersion);
        store.SaveRun(Run("r1", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        store.SaveRun(Run("r2", new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc)));
        var stage = new StageRecord { RunId = "r1", InstanceId = "a[x=1]", StageId = "a", Activity = "cluster.probe", Status = StageStatus.Running, Attempts = 1 };
        store.SaveStage(stage);
        stage.Status = StageStatus.Succeeded;
        stage.OutputsJson = """{"total":3}""";
        stage.CacheKey = "k1";
        store.SaveStage(stage);
        store.SaveAttempt(new AttemptRecord { RunId = "r1", InstanceId = "a[x=1]", Number = 1, Status = StageStatus.Running, StartedAt = DateTime.UtcNow, Worker = "w1" });
        store.SaveAttempt(new AttemptRecord { RunId = "r1", InstanceId = "a[x=1]", Number = 1, Status = StageStatus.Succeeded, StartedAt = DateTime.UtcNow, Worker = "w1" });

        Assert.Equal(["r2", "r1"], store.ListRuns(10).Select(r => r.Id));
        var stored = Assert.Single(store.GetStages("r1"));
        Assert.Equal("succeeded", Lifecycle.Name(stored.Status));
        Assert.Equal("""{"total":3}""", stored.OutputsJson);
        var attempt = Assert.Single(store.GetAttempts("r1"));
        Assert.Equal(("succeeded", "w1"), (Lifecycle.Name(attempt.Status), attempt.Worker));
        Assert.Equal("a[x=1]", store.FindCached("k1")?.InstanceId);
        Assert.Null(store.FindCached("k2"));
        Assert.Equal(DateTimeKind.Utc, store.GetRun("r1")!.StartedAt.Kind);
    }

    [PostgresFact]
    public void Schema_IsAppliedOnce_WhenManyProcessesOpenTheStoreAtOnce()
    {
        using var db = new TestDatabase();
        var versions = Enumerable.Range(0, 6).AsParallel().Select(_ =>
        {
            using var store = new PostgresRunStore(db.ConnectionString);
            return store.SchemaVersion;
        }).ToList();
        Assert.All(versions, v => Assert.Equal(StoreSchema.Steps.Count, v));
        using var check = new Npgsql.NpgsqlConnection(db.ConnectionString);
        check.Open();
        using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM store_schema", check);
        Assert.Equal((long)StoreSchema.Steps.Count, (long)count.ExecuteScalar()!);
    }
}
