using System.CommandLine;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow model init|generate|score</c>: create, sample from and score checkpoints.</summary>
public static class ModelCommand
{
    /// <summary>Creates the command group.</summary>
    public static Command Create() => new("model", "Create a model checkpoint, sample from it, score responses.")
    {
        ModelInitCommand.Create(),
        ModelGenerateCommand.Create(),
        ModelScoreCommand.Create(),
    };
}
