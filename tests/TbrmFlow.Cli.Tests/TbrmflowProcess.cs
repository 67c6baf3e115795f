using System.Diagnostics;

namespace TbrmFlow.Cli.Tests;

/// <summary>Runs the real <c>tbrmflow</c> program (built next to this test) as a child process.</summary>
public static class TbrmflowProcess
{
    /// <summary>The repository root (for workflows/).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Runs <c>tbrmflow args</c> in <paramref name="workingDirectory"/> and waits (at most 10 minutes).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tbrmflow.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TbrmFlow.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("TbrmFlow.sln not found above " + AppContext.BaseDirectory);
    }
}
