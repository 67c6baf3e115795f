using System.CommandLine;
using Spectre.Console;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Engine.Running;

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
            try
            {
                var scope = new System.Text.Json.Nodes.JsonObject
                {
                    ["params"] = WorkflowRunner.BindParams(workflow, new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()),
                    ["run"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "validate" },
                };
                var plan = RunPlanner.Plan(workflow.Stages, scope);
                Terminal.Out.MarkupLineInterpolated($"{file}: [green]ok[/] ({workflow.Stages.Count} stages, {plan.Count} instances)");
            }
            catch (StageInputException e)
            {
                Console.Error.WriteLine($"{file}:1:1: error TF0030: {e.Message}");
                failed = true;
            }
        }
        return failed ? ExitCodes.BadInput : ExitCodes.Ok;
    }
}
