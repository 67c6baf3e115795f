namespace TbrmFlow.Tracking.Local;

/// <summary>Replaces a file's content so that a reader (or a kill) never sees half of it.</summary>
internal static class AtomicFile
{
    /// <summary>Writes a temporary file in <paramref name="tempDirectory"/> (same file system; default
    /// the target's folder) and renames it over <paramref name="path"/>. Tags and params pass their
    /// run's folder, which MLflow does not scan, so a kill mid-write leaves no stray key behind.</summary>
    public static void Write(string path, string content, string? tempDirectory = null)
    {
        var temp = Path.Combine(tempDirectory ?? Path.GetDirectoryName(path)!, ".tbrmflow-tmp-" + Guid.NewGuid().ToString("n"));
        try
        {
            File.WriteAllText(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk leaves no partial temporary file behind (the target keeps its old content).
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // a read-only store: nothing was written either
            }
            throw;
        }
    }
}
