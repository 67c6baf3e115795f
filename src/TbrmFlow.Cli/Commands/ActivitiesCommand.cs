using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Schema;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow activities [--json]</c>: every activity with its inputs and outputs.</summary>
public static class ActivitiesCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the descriptors as JSON." };
        var command = new Command("activities", "List the activities workflows can use.") { json };
        command.SetAction(parse =>
        {
            var catalog = ActivityCatalog.FromApplication();
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(catalog.All.Select(ActivityInfo.From), ActivityInfo.JsonOptions));
                return ExitCodes.Ok;
            }
            foreach (var a in catalog.All)
            {
                var table = new Table().Title($"{a.Type} v{a.Version} ({a.Category}) — {a.Description}").AddColumns("", "name", "type", "default", "description");
                foreach (var i in a.Inputs)
                {
                    table.AddRow(new Text("in"), new Text(i.Name + (i.Required ? " *" : "")), new Text(InputTypes.Describe(i.ClrType)), new Text(i.Required ? "" : i.Default?.ToJsonString() ?? "null"), new Text(i.Description));
                }
                foreach (var o in a.Outputs)
                {
                    table.AddRow(new Text("out"), new Text(o.Name), new Text(InputTypes.Describe(o.ClrType)), new Text(""), new Text(o.Description));
                }
                Terminal.Out.Write(table);
            }
            Terminal.Out.MarkupLine("[grey]* required input[/]");
            return ExitCodes.Ok;
        });
        return command;
    }
}
