namespace TbrmFlow.Tracking.Sync;

/// <summary>
/// One sender at a time per run and server, across processes: an exclusive lock on
/// <c>&lt;run&gt;/.tbrmflow-sync/&lt;server hash&gt;.lock</c> (.NET takes an advisory <c>flock</c> for
/// <see cref="FileShare.None"/> on Unix; NFS clients map it to NFS locks). Held while a run is sent.
/// </summary>
internal static class SyncLock
{
    /// <summary>How long a sender waits for another one before giving up (its pass is retried later).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>Waits for the lock of <paramref name="runDirectory"/>'s sync with <paramref name="server"/>; dispose to release.</summary>
    public static async Task<FileStream> TakeAsync(string runDirectory, Uri server, CancellationToken ct)
    {
        var path = Path.ChangeExtension(SyncState.PathFor(runDirectory, server), ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < Patience)
            {
                await Task.Delay(delay, ct);
                delay = delay * 2 < TimeSpan.FromMilliseconds(500) ? delay * 2 : TimeSpan.FromMilliseconds(500);
            }
        }
    }
}
