using System.CommandLine;
using Spectre.Console;

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
        return await parsed.InvokeAsync();
    }
}
