using System.Text.Json.Nodes;
using Npgsql;
using TbrmFlow.Engine.Faults;
using TbrmFlow.Engine.Running;
using TbrmFlow.Testing;
using static TbrmFlow.Cluster.Tests.ClusterTestSupport;

namespace TbrmFlow.Cluster.Tests;

/// <summary>Needs PostgreSQL and a real tmpfs (root on Linux); says which is missing when it skips.</summary>
public sealed class PostgresTmpfsFactAttribute : FactAttribute
{
    public PostgresTmpfsFactAttribute() => Skip = new PostgresFactAttribute().Skip ?? Tmpfs.SkipReason;
}

/// <summary>
/// Write faults on a worker: the shared artifact directory on a full disk (a real 2 MiB tmpfs), and the cluster
/// database out of disk (a real PostgreSQL disk_full: a table in a tablespace on a full tmpfs). The run ends
/// failed with one message, no stack trace, what had not started does not start, and the worker serves the next run.
/// </summary>
public sealed class ClusterWriteFaultTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tbrmflow-cluster-full").FullName;

    private string Shared => Path.Combine(_home, "shared");

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [PostgresFact]
    public void Of_RecognisesPostgresReadOnly_FromARealReadOnlyTransaction_AndNamesTheDatabase()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        using var connection = cluster.DataSource.OpenConnection();
        using var tx = connection.BeginTransaction();
        using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, tx))
        {
            readOnly.ExecuteNonQuery();
        }
        using var write = new NpgsqlCommand("CREATE TABLE t (x int)", connection, tx);
        var error = Assert.Throws<PostgresException>(() => write.ExecuteNonQuery());

        Assert.Equal("25006", error.SqlState);
        var fault = WriteFault.Of(new InvalidOperationException("wrapped", error), cluster.Store.Path);
        Assert.Equal(new WriteFault(WriteFaultKind.ReadOnly, cluster.Store.Path, Database: true), fault);
        Assert.Equal($"read-only database writing {cluster.Store.Path}", fault!.Message);
        // Out of memory (53200) is not a write fault: it stays the stage's own failure.
        Assert.Null(WriteFault.Of(new PostgresException("out of memory", "ERROR", "ERROR", "53200"), cluster.Store.Path));
    }

    [PostgresTmpfsFact]
    public async Task SharedArtifactDirectoryFull_FailsTheRunWithOneMessage_NothingElseStarts_AndTheWorkerGoesOn()
    {
        using var db = new TestDatabase();
        using var disk = Tmpfs.Mount(Path.Combine(Shared, "artifacts"), "2M");
        // gen writes ~3.5 MB of problems into the artifact store; after needs it; long runs 30 s beside it on the
        // second slot (stopped by the run's end, not by a user); elsewhere waits on a queue nobody serves.
        var workflow = Path.Combine(_home, "full.yaml");
        File.WriteAllText(workflow, """
            name: full
            stages:
              gen: { uses: data.arithmetic, with: { digits: 3, train_size: 60000, test_size: 100, seed: 3 } }
              after: { uses: cluster.probe, needs: [gen], with: { steps: 1 } }
              long: { uses: cluster.probe, with: { steps: 300, step_ms: 100 } }
              elsewhere: { uses: cluster.probe, resources: { queue: nobody }, with: { steps: 1 } }
            """);
        using var worker = new TbrmflowProcess(_home, "worker", "--cluster", db.ConnectionString, "--home", Shared, "--queues", "default", "--slots", "2", "--name", "w1");
        await worker.WaitForOutputAsync("worker w1:", Long);
        using var cluster = db.Connect();

        var runId = await SubmitAsync(db, workflow);
        var run = await WaitAsync(() => cluster.Store.GetRun(runId) is { Status: not RunStatus.Running } r ? r : null, () => $"the run did not end\nworker:\n{worker.Output}");

        var message = run.Error!;
        Assert.True(run.Status == RunStatus.Failed, $"run {run.Status}: {run.Error}\nworker:\n{worker.Output}");
        Assert.StartsWith($"disk full writing {disk.Directory}/", message);
        // long stops within the worker's run check (2 s) and fails with the run's message.
        await worker.WaitForOutputAsync($"{runId} long: stopped, the run failed: {message}", Long);
        var stages = cluster.Store.GetStages(runId).ToDictionary(s => s.InstanceId, s => (Lifecycle.Name(s.Status), s.Error));
        Assert.Equal(("failed", message), stages["gen"]);
        Assert.Equal(("skipped", "dependency 'gen' failed"), stages["after"]);
        Assert.Equal(("failed", message), stages["long"]);
        Assert.Equal(("failed", message), stages["elsewhere"]);
        Assert.InRange(ProbeStep(Shared, runId, "long"), 0, 299);
        // Only gen and long ever started; nothing is left running.
        var attempts = cluster.Store.GetAttempts(runId).OrderBy(a => a.InstanceId, StringComparer.Ordinal).Select(a => (a.InstanceId, Lifecycle.Name(a.Status))).ToList();
        Assert.Equal([("gen", "failed"), ("long", "failed")], attempts);
        Assert.Equal(message, cluster.Store.GetAttempts(runId).Single(a => a.InstanceId == "long").Error);
        // One line in the worker's log, no stack trace, and the job is not retried into the same fault.
        // The worker logs after the store commit that the test saw: wait for the line, then check it is the only one.
        await worker.WaitForOutputAsync($"{runId} gen: {message}; run failed", Long);
        Assert.Single(worker.Output.Split('\n'), l => l.Contains($"{runId} gen: {message}; run failed", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", worker.Output);

        // The worker serves the next run.
        var quick = Path.Combine(_home, "quick.yaml");
        File.WriteAllText(quick, "name: quick\nstages:\n  one: { uses: cluster.probe, with: { steps: 2, step_ms: 10 } }\n");
        var next = await SubmitAsync(db, quick);
        var done = await WaitAsync(() => cluster.Store.GetRun(next) is { Status: not RunStatus.Running } r ? r : null, () => $"the next run did not end\nworker:\n{worker.Output}");
        Assert.Equal(RunStatus.Succeeded, done.Status);
    }

    [PostgresTmpfsFact]
    public async Task ClusterDatabaseOutOfDisk_FailsTheRunWithOneMessage_AndTheWorkerGoesOnOnceThereIsRoom()
    {
        using var db = new TestDatabase();
        using var cluster = db.Connect();
        // The server runs as postgres: it must reach the tablespace (the temp directory is the test's own, 0700).
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(_home, (UnixFileMode)0b111_101_101);
        }
        var mount = Path.Combine(_home, "pgdisk");
        using var disk = Tmpfs.Mount(mount, "1M");
        var location = Path.Combine(mount, "ts");
        Directory.CreateDirectory(location);
        Chown(location, "postgres");
        var tablespace = "tbrmflow_full_" + Guid.NewGuid().ToString("n")[..8];
        Admin($"CREATE TABLESPACE {tablespace} LOCATION '{location}'");
        try
        {
            // The attempts table lives on a disk that is full: the server answers disk_full (53100) when it grows.
            Admin($"ALTER TABLE attempts SET TABLESPACE {tablespace}", db.ConnectionString);
            var filler = Path.Combine(mount, "filler");
            Assert.ThrowsAny<IOException>(() => File.WriteAllBytes(filler, new byte[2 << 20]));

            using var worker = new TbrmflowProcess(_home, "worker", "--cluster", db.ConnectionString, "--home", Shared, "--name", "w1");
            await worker.WaitForOutputAsync("worker w1:", Long);
            var workflow = Path.Combine(_home, "probe.yaml");
            File.WriteAllText(workflow, "name: probe\nstages:\n  one: { uses: cluster.probe, with: { steps: 2, step_ms: 10 } }\n");
            var runId = await SubmitAsync(db, workflow);
            var run = await WaitAsync(() => cluster.Store.GetRun(runId) is { Status: not RunStatus.Running } r ? r : null, () => $"the run did not end\nworker:\n{worker.Output}");

            var message = $"disk full writing {cluster.Store.Path}";
            Assert.True((run.Status, run.Error) == (RunStatus.Failed, message), $"run {run.Status}: {run.Error}\nworker:\n{worker.Output}");
            var stage = Assert.Single(cluster.Store.GetStages(runId));
            Assert.Equal(("failed", message), (Lifecycle.Name(stage.Status), stage.Error));
            // The worker logs after the store commit that the test saw: wait for the line, then check it is the only one.
            await worker.WaitForOutputAsync($"{runId} one: {message}; run failed", Long);
            Assert.Single(worker.Output.Split('\n'), l => l.Contains($"{runId} one: {message}; run failed", StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", worker.Output);
            Assert.DoesNotContain("PostgresException", worker.Output);

            // Room again: the same worker runs the workflow to the end.
            File.Delete(filler);
            var next = await SubmitAsync(db, workflow);
            var done = await WaitAsync(() => cluster.Store.GetRun(next) is { Status: not RunStatus.Running } r ? r : null, () => $"the next run did not end\nworker:\n{worker.Output}");
            Assert.True(done.Status == RunStatus.Succeeded, $"run {done.Status}: {done.Error}\nworker:\n{worker.Output}");
        }
        finally
        {
            Admin("ALTER TABLE attempts SET TABLESPACE pg_default", db.ConnectionString);
            NpgsqlConnection.ClearAllPools();
            Admin($"DROP TABLESPACE IF EXISTS {tablespace}");
        }
    }

    private async Task<string> SubmitAsync(TestDatabase db, string workflow)
    {
        using var submit = new TbrmflowProcess(_home, "run", workflow, "--cluster", db.ConnectionString, "--json");
        Assert.True(await submit.WaitForExitAsync(Long) == 0, submit.Output);
        return JsonNode.Parse(submit.Stdout)!["run_id"]!.GetValue<string>();
    }

    // On the test database, or (null) on the server's admin database (tablespaces are the server's).
    private static void Admin(string sql, string? connectionString = null)
    {
        using var connection = new NpgsqlConnection(connectionString ?? Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static void Chown(string path, string user)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [user, path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
