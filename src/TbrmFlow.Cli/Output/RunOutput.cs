using Spectre.Console;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Output;

/// <summary>Shared by run and resume: live display, final table or --json document, exit code.</summary>
public static class RunOutput
{
    /// <summary>
    /// True when stderr is an interactive terminal that understands ANSI: then stages that report progress
    /// get live progress bars; otherwise (a pipe, a file, CI) every event is a plain line.
    /// </summary>
    public static bool LiveDisplay =>
        !Console.IsErrorRedirected && Terminal.Error.Profile.Capabilities.Ansi && Terminal.Error.Profile.Capabilities.Interactive;

    /// <summary>
    /// Runs with the console display and, for runs of this machine, the stage log files under
    /// <paramref name="logDirectory"/> (passed to <paramref name="run"/> as one observer to combine with
    /// others), prints the result and maps it to an exit code.
    /// </summary>
    /// <remarks>
    /// <paramref name="epilogue"/> (e.g. where the run was tracked) is awaited after the run and printed in grey, except
    /// when a write fault (disk full, read-only store) ended the run: then the one error line is all that is said.
    /// </remarks>
    public static async Task<int> ExecuteAsync(string title, bool json, string? logDirectory, Func<IRunObserver, Task<RunResult>> run, Func<ValueTask<string>>? epilogue = null)
    {
        var code = await ExecuteAsync(title, json, logDirectory, run);
        var line = epilogue is null ? null : await epilogue();
        if (code != WriteFaultExit && line is not null)
        {
            Terminal.Error.MarkupLineInterpolated($"[grey]{line}[/]");
        }
        return code == WriteFaultExit ? ExitCodes.RunFailed : code;
    }

    /// <summary>Internal marker: the run ended on a write fault (mapped to <see cref="ExitCodes.RunFailed"/>).</summary>
    private const int WriteFaultExit = -1;

    /// <summary>The one line a write fault ends with.</summary>
    public static string WriteFaultLine(string runId, string fault) =>
        $"{fault}: run {runId} failed; {(fault.StartsWith("read-only", StringComparison.Ordinal) ? "make the store writable" : "free space")} and run `tbrmflow resume {runId}`";

    private static async Task<int> ExecuteAsync(string title, bool json, string? logDirectory, Func<IRunObserver, Task<RunResult>> run)
    {
        RunResult result;
        try
        {
            await using var display = new ConsoleRunObserver(Terminal.Error, LiveDisplay);
            result = await run(logDirectory is null ? display : new CompositeRunObserver(display, new StageLogWriter(logDirectory)));
        }
        catch (StageInputException e)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (InvalidOperationException e)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.RunFailed;
        }
        if (json)
        {
            Console.Out.WriteLine(RunResultJson.Serialize(result));
        }
        if (result.WriteFault is { } fault)
        {
            // One line whatever the terminal's width (the console would wrap a markup line at 80 columns when redirected).
            Console.Error.WriteLine("error: " + WriteFaultLine(result.RunId, fault));
            return WriteFaultExit;
        }
        if (!json)
        {
            RunSummary.Write(Terminal.Out, title, result);
        }
        return result.Status switch
        {
            RunStatus.Succeeded => ExitCodes.Ok,
            RunStatus.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.RunFailed,
        };
    }
}
