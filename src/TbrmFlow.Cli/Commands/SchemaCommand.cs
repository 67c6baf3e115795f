using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Schema;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow schema [-o FILE]</c>: the JSON Schema of the workflow language for editors.</summary>
public static class SchemaCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var command = new Command("schema", "Print the workflow JSON Schema (draft 2020-12), one branch per activity type.") { output };
        command.SetAction(parse =>
        {
            var json = WorkflowSchema.Generate(ActivityCatalog.FromApplication()).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file, json + Environment.NewLine);
                Terminal.Error.MarkupLineInterpolated($"wrote {file}");
            }
            else
            {
                Console.Out.WriteLine(json);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
