using Mediator;
using TbrmFlow.Abstractions;

namespace TbrmFlow.Engine.Tests.Activities;

/// <summary>Test-only: fills the file system of <see cref="Path"/> (a small tmpfs) and succeeds, so that the engine's
/// next write of the run store is the one that finds the disk full. Once: when the file exists it does nothing.</summary>
[Activity("test.fill_disk", Category = "test", Description = "Fills the disk holding a file.")]
public sealed record FillDiskRequest : IActivity<FillDiskResult>
{
    /// <summary>The filler file.</summary>
    public string Path { get; init; } = "";
}

/// <summary>Fill outputs.</summary>
public sealed record FillDiskResult
{
    /// <summary>Bytes written before the disk was full.</summary>
    public long Bytes { get; init; }

    /// <summary>1 MiB the store must record with this stage's outputs, on the first call. SQLite in WAL mode reuses the
    /// space of its write-ahead log after a checkpoint, so a small record may still fit on the full disk (CI saw the run
    /// succeed once); this one needs more room than the log of a store this small can have, so the write finds the disk full.</summary>
    public string Padding { get; init; } = "";
}

public sealed class FillDiskHandler : IRequestHandler<FillDiskRequest, FillDiskResult>
{
    public ValueTask<FillDiskResult> Handle(FillDiskRequest request, CancellationToken cancellationToken)
    {
        if (File.Exists(request.Path))
        {
            return ValueTask.FromResult(new FillDiskResult());
        }
        var chunk = new byte[4096];
        long written = 0;
        using var stream = new FileStream(request.Path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                stream.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // full: what is written stays
        }
        return ValueTask.FromResult(new FillDiskResult { Bytes = written, Padding = new string('x', 1 << 20) });
    }
}
