using System.Diagnostics;

namespace TbrmFlow.Tracking;

/// <summary>The git commit a workflow file belongs to, when git knows it.</summary>
internal static class GitInfo
{
    public static string? CommitOf(string file)
    {
        try
        {
            var start = new ProcessStartInfo("git", ["rev-parse", "HEAD"])
            {
                WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(file))!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                return null;
            }
            return process.ExitCode == 0 && output.Length >= 40 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }
}
