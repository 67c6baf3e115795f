using Microsoft.Data.Sqlite;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;
using TbrmFlow.Engine.Tests.Legacy;

namespace TbrmFlow.Engine.Tests;

/// <summary>A run store written by an earlier tbrmflow (schema version 3, statuses as plain strings) opens with this one, data intact.</summary>
public sealed class StoreAdoptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tbrmflow-adopt").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Version3Store_OpensMigrated_WithItsRowsReadable()
    {
        var path = Path.Combine(_dir, "runs.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var command = old.CreateCommand();
            // Exactly what version 3 created (its three steps and their versions), then rows as it wrote them.
            command.CommandText = LegacySqliteSchema.Script(3)
                + "INSERT INTO runs (Id, Workflow, Experiment, SourceText, ParamsJson, Status, StartedAt, Pid, Error, Tracking) VALUES "
                + "('r-old', 'hello', 'hello', 'name: hello', '{}', 'failed', '2026-01-01 10:00:00', 4242, 'fit: boom', NULL);"
                + "INSERT INTO stages (RunId, InstanceId, StageId, Activity, ActivityVersion, Status, OutputsJson, Attempts, DurationS, Error) VALUES "
                + "('r-old', 'data', 'data', 'data.arithmetic', 1, 'cached', '{\"n\":3}', 0, 0, NULL), ('r-old', 'fit', 'fit', 'demo.fit_sum', 1, 'failed', NULL, 2, 1.5, 'boom');"
                + "INSERT INTO attempts (RunId, InstanceId, Number, Status, StartedAt, Worker) VALUES ('r-old', 'fit', 1, 'failed', '2026-01-01 10:00:01', NULL);";
            command.ExecuteNonQuery();
        }

        using var store = new RunStore(path);
        Assert.Equal(StoreSchema.Steps.Count, store.SchemaVersion);
        var run = store.GetRun("r-old")!;
        Assert.Equal((RunStatus.Failed, "fit: boom", 4242, (DateTime?)null), (run.Status, run.Error, run.Pid, run.OwnerStartedAt));
        Assert.Equal(
            [("data", StageStatus.Cached, "{\"n\":3}"), ("fit", StageStatus.Failed, null)],
            store.GetStages("r-old").Select(s => (s.InstanceId, s.Status, s.OutputsJson)));
        Assert.Equal(StageStatus.Failed, Assert.Single(store.GetAttempts("r-old")).Status);

        // Written back by this version: still the readable lowercase name.
        run.Status = RunStatus.Running;
        RunOwner.Claim(run);
        store.SaveRun(run);
        store.Flush();
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var read = raw.CreateCommand();
        read.CommandText = "SELECT Status, OwnerStartedAt IS NOT NULL FROM runs WHERE Id = 'r-old'";
        using var reader = read.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(("running", 1L), (reader.GetString(0), reader.GetInt64(1)));
    }
}
