using System.Diagnostics;

namespace TbrmFlow.Testing;

/// <summary>
/// A small real file system (Linux tmpfs) mounted over a directory, for tests of a full disk: the kernel
/// answers ENOSPC when it is full. Mounting needs root; <see cref="SkipReason"/> says why a test cannot run.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    private Tmpfs(string directory) => Directory = directory;

    /// <summary>Null where a tmpfs can be mounted (root on Linux: CI and the dev container), else why not.</summary>
    public static string? SkipReason =>
        OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess
            ? null
            : "needs root on Linux to mount a small tmpfs (a real full disk); CI runs as root";

    /// <summary>The mount point.</summary>
    public string Directory { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (e.g. <c>2M</c>) over <paramref name="directory"/> (created when missing).</summary>
    public static Tmpfs Mount(string directory, string size)
    {
        System.IO.Directory.CreateDirectory(directory);
        Run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", directory);
        return new Tmpfs(directory);
    }

    /// <summary>Grows (or shrinks) the file system: "free space".</summary>
    public void Resize(string size) => Run("mount", "-o", "remount,size=" + size, Directory);

    /// <inheritdoc />
    public void Dispose() => Run("umount", "-l", Directory);

    private static void Run(string tool, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: {process.StandardError.ReadToEnd()}");
        }
    }
}
