using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using TbrmFlow.Cli.Output;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow runs [--limit N] [--json]</c>: the newest runs in the store.</summary>
public static class RunsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var limit = new Option<int>("--limit") { Description = "How many runs to list.", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var engine = new EngineCommandOptions();
        var cluster = new ClusterCommandOptions();
        var command = new Command("runs", "List runs, newest first.") { limit, json };
        engine.AddTo(command);
        cluster.AddTo(command);
        command.SetAction(parse =>
        {
            var options = engine.Build(parse);
            using var store = ClusterCommandOptions.OpenStore(cluster.Get(parse), options, out var connection);
            using var _ = connection;
            if (store is null)
            {
                if (connection is null && cluster.Get(parse) is not null)
                {
                    return ExitCodes.BadInput;
                }
                Terminal.Error.MarkupLineInterpolated($"no runs yet ({options.ResolvedStorePath} does not exist)");
                return ExitCodes.Ok;
            }
            var runs = store.ListRuns(parse.GetValue(limit));
            if (parse.GetValue(json))
            {
                var list = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
                {
                    ["run_id"] = r.Id, ["workflow"] = r.Workflow, ["status"] = Lifecycle.Name(r.Status),
                    ["started_at"] = r.StartedAt.ToString("O"), ["finished_at"] = r.FinishedAt?.ToString("O"), ["error"] = r.Error,
                })]);
                Console.Out.WriteLine(list.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("run", "workflow", "status", "started (UTC)", "duration", "error");
            foreach (var r in runs)
            {
                var duration = r.FinishedAt is { } end ? $"{(end - r.StartedAt).TotalSeconds:F1}s" : "";
                table.AddRow(new Text(r.Id), new Text(r.Workflow), new Markup(RunSummary.Colour(r.Status)), new Text(r.StartedAt.ToString("yyyy-MM-dd HH:mm:ss")), new Text(duration), new Text(r.Error ?? ""));
            }
            Terminal.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
