using Spectre.Console;

namespace TbrmFlow.Cli;

/// <summary>The one console abstraction: results to stdout, messages and progress to stderr.</summary>
public static class Terminal
{
    /// <summary>Standard output (tables, results, <c>--json</c> documents).</summary>
    public static IAnsiConsole Out { get; set; } = Redirected(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }), Console.IsOutputRedirected);

    /// <summary>Standard error (errors, warnings, live progress).</summary>
    public static IAnsiConsole Error { get; set; } = Redirected(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), Console.IsErrorRedirected);

    /// <summary>Width used when the stream goes to a file or a pipe (CI logs): wide enough that the run summary does not fold every cell.</summary>
    public const int RedirectedWidth = 160;

    /// <summary>A console whose stream is redirected has no window to measure: give it <see cref="RedirectedWidth"/> columns instead of 80.</summary>
    public static IAnsiConsole Redirected(IAnsiConsole console, bool redirected)
    {
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }
        return console;
    }
}
