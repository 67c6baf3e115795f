using System.CommandLine;
using TbrmFlow.Engine;

namespace TbrmFlow.Cli.Commands;

/// <summary>The options every engine command shares: <c>--home</c> and <c>--store</c>.</summary>
internal sealed class EngineCommandOptions
{
    public Option<string> Home { get; } = new("--home")
    {
        Description = "Engine home: run store, artifacts and stage state (default ./.tbrmflow).",
        DefaultValueFactory = _ => ".tbrmflow",
    };

    public Option<string?> Store { get; } = new("--store")
    {
        Description = "The run store's SQLite file (default HOME/runs.db).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Home);
        command.Options.Add(Store);
    }

    public EngineOptions Build(ParseResult parse, int? parallel = null, bool noCache = false) => new()
    {
        HomeDirectory = Path.GetFullPath(parse.GetValue(Home)!),
        StorePath = parse.GetValue(Store) is { } store ? Path.GetFullPath(store) : null,
        Parallel = parallel,
        NoCache = noCache,
    };
}
