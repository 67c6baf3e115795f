using System.CommandLine;
using Spectre.Console;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Planning;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow validate FILE...</c>: every error as FILE:LINE:COL, exit 2 when any file has one.</summary>
public static class ValidateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Workflow YAML files.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check workflow files without running them.") { files };
        command.SetAction(parse => Validate(parse.GetValue(files)!));
        return command;
    }

    private static int Validate(string[] files)
    {
        var catalog = ActivityCatalog.FromApplication();
        var failed = false;
        foreach (var file in files)
        {
            var workflow = WorkflowFiles.Load(file, catalog);
            if (workflow is null)
            {
                failed = true;
                continue;
            }
            var (instances, error) = PlanCheck.Run(workflow);
            if (error is null)
            {
                Terminal.Out.MarkupLineInterpolated($"{file}: [green]ok[/] ({workflow.Stages.Count} stages, {instances} instances)");
            }
            else
            {
                Console.Error.WriteLine($"{file}:1:1: error {PlanCheck.Code}: {error}");
                failed = true;
            }
        }
        return failed ? ExitCodes.BadInput : ExitCodes.Ok;
    }
}
