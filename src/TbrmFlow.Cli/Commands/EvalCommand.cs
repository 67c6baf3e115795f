using System.CommandLine;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow eval ...</c>: evaluation tools that need no workflow.</summary>
public static class EvalCommand
{
    /// <summary>Creates the command group.</summary>
    public static Command Create() => new("eval", "Evaluation tools.") { EvalScoreCommand.Create() };
}
