using System.CommandLine;
using Spectre.Console;
using TbrmFlow.Engine.Faults;

namespace TbrmFlow.Cli;

/// <summary>Parses and invokes, mapping usage errors to <see cref="ExitCodes.BadInput"/>.</summary>
public static class CommandLine
{
    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {error.Message}");
            }
            Terminal.Error.MarkupLine("[grey]Try 'tbrmflow --help'.[/]");
            return ExitCodes.BadInput;
        }
        try
        {
            // The library's own handler would print any exception with its stack; a write fault gets one line instead.
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (WriteFault.Of(e) is { } fault)
        {
            // A full disk or read-only store outside a run (opening the run store, writing a report): one line, no stack.
            Console.Error.WriteLine($"error: {fault.Message}; {fault.Remedy} and try again");
            return ExitCodes.RunFailed;
        }
        catch (Engine.Store.StoreVersionException e)
        {
            // A store made by a newer tbrmflow: the message says which and what to do.
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            // What the library's handler did: a bug shows its stack, for the report.
            Console.Error.WriteLine("Unhandled exception: " + e);
            return ExitCodes.RunFailed;
        }
    }
}
