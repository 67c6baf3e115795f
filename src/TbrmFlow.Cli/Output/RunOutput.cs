using Spectre.Console;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Output;

/// <summary>Shared by run and resume: live display, final table or --json document, exit code.</summary>
public static class RunOutput
{
    /// <summary>The live display: progress bars on a terminal, plain lines when stderr is redirected.</summary>
    public static IRunObserver Observer() => new ConsoleRunObserver(Terminal.Error);

    /// <summary>Runs, prints the result and maps it to an exit code.</summary>
    public static async Task<int> ExecuteAsync(string title, bool json, Func<Task<RunResult>> run)
    {
        RunResult result;
        try
        {
            result = await run();
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
        else
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
