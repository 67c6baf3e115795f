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
        var (code, stdout, stderr, _, _) = await RunMeasuredAsync(workingDirectory, args);
        return (code, stdout, stderr);
    }

    /// <summary>As <see cref="RunAsync"/>, also measuring wall time and peak resident memory (sampled every 20 ms).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, long PeakBytes)> RunMeasuredAsync(string workingDirectory, params string[] args)
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
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var exited = process.WaitForExitAsync(timeout.Token);
        long peak = 0;
        while (!exited.IsCompleted)
        {
            try
            {
                process.Refresh();
                peak = Math.Max(peak, process.PeakWorkingSet64);
            }
            catch (InvalidOperationException)
            {
                // exited between the check and the read
            }
            await Task.WhenAny(exited, Task.Delay(20));
        }
        await exited;
        return (process.ExitCode, await stdout, await stderr, clock.Elapsed, peak);
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
