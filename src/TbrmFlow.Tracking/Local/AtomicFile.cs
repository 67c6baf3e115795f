namespace TbrmFlow.Tracking.Local;

/// <summary>Replaces a file's content so that a reader (or a kill) never sees half of it.</summary>
internal static class AtomicFile
{
    public static void Write(string path, string content)
    {
        var temp = path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
