using Microsoft.Data.Sqlite;
using TbrmFlow.Engine.Faults;
using TbrmFlow.Engine.Running;
using TbrmFlow.Testing;

namespace TbrmFlow.Engine.Tests;

public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute() => Skip = Tmpfs.SkipReason;
}

public sealed class WriteFaultTests
{
    [Fact]
    public void Of_RecognisesTheFileSystemsCauses_AndTheirPath()
    {
        Assert.Equal(new WriteFault(WriteFaultKind.DiskFull, "/d/x.jsonl"), WriteFault.Of(new IOException("No space left on device : '/d/x.jsonl'", 28)));
        Assert.Equal(new WriteFault(WriteFaultKind.ReadOnly, "/ro/meta.yaml"), WriteFault.Of(new IOException("Read-only file system : '/ro/meta.yaml'", 30)));
        Assert.Equal(new WriteFault(WriteFaultKind.QuotaExceeded, "/q"), WriteFault.Of(new InvalidOperationException("wrapped", new IOException("Disk quota exceeded : '/q'", 122))));
        Assert.Equal(new WriteFault(WriteFaultKind.DiskFull, "/s/runs.db"), WriteFault.Of(new SqliteException("database or disk is full", 13), "/s/runs.db"));
        Assert.Equal(new WriteFault(WriteFaultKind.ReadOnly, "/s/runs.db"), WriteFault.Of(new AggregateException(new SqliteException("attempt to write a readonly database", 8)), "/s/runs.db"));
        Assert.Null(WriteFault.Of(new IOException("The process cannot access the file", 11)));
        Assert.Null(WriteFault.Of(new SqliteException("UNIQUE constraint failed", 19), "/s/runs.db"));
        Assert.Equal("disk full writing /s/runs.db", new WriteFault(WriteFaultKind.DiskFull, "/s/runs.db").Message);
    }

    /// <summary>The run store itself finds the disk full (a real tmpfs): the run ends failed with one message, nothing
    /// stays running in the store, and a resume after freeing space succeeds.</summary>
    [TmpfsFact]
    public async Task RunStoreOnAFullDisk_EndsTheRunFailed_NothingStaysRunning_ResumeSucceedsAfterFreeingSpace()
    {
        using var home = new TestHome();
        using var disk = Tmpfs.Mount(Path.GetDirectoryName(home.Options.ResolvedStorePath)!, "2M");
        var filler = Path.Combine(disk.Directory, "filler");
        var result = await home.RunAsync($$"""
            name: full
            stages:
              fill: { uses: test.fill_disk, with: { path: "{{filler}}" }, cache: false }
              after: { uses: test.echo, with: { value: 1 }, needs: fill }
            """);

        var message = $"disk full writing {home.Options.ResolvedStorePath}";
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(message, result.WriteFault);
        using (var store = home.OpenStore())
        {
            var run = store.GetRun(result.RunId)!;
            Assert.Equal((RunStatus.Failed, message), (run.Status, run.Error));
            Assert.DoesNotContain(store.GetStages(result.RunId), s => s.Status == StageStatus.Running);
            Assert.DoesNotContain(store.GetAttempts(result.RunId), a => a.Status == StageStatus.Running);
        }

        File.WriteAllBytes(filler, []); // free the space (the stage fills only once)
        var resumed = await home.Runner.ResumeAsync(result.RunId, new RecordingObserver(), CancellationToken.None);

        Assert.Null(resumed.WriteFault);
        using var after = home.OpenStore();
        Assert.Equal(RunStatus.Succeeded, after.GetRun(result.RunId)!.Status);
    }
}
