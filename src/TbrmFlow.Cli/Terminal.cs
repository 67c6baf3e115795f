using Spectre.Console;

namespace TbrmFlow.Cli;

/// <summary>The one console abstraction: results to stdout, messages and progress to stderr.</summary>
public static class Terminal
{
    /// <summary>Standard output (tables, results, <c>--json</c> documents).</summary>
    public static IAnsiConsole Out { get; set; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    /// <summary>Standard error (errors, warnings, live progress).</summary>
    public static IAnsiConsole Error { get; set; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
}
