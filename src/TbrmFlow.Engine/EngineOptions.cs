namespace TbrmFlow.Engine;

/// <summary>Where the engine keeps its files, and how it runs stages.</summary>
public sealed record EngineOptions
{
    /// <summary>Run store, artifacts and per-stage state live here (default <c>./.tbrmflow</c>).</summary>
    public string HomeDirectory { get; init; } = Path.GetFullPath(".tbrmflow");

    /// <summary>The run store's SQLite file; default <c>HOME/runs.db</c>.</summary>
    public string? StorePath { get; init; }

    /// <summary>Stages running at once; default: the number of cores (and 1 for stages that declare a GPU).</summary>
    public int? Parallel { get; init; }

    /// <summary>Turns the result cache off for every stage.</summary>
    public bool NoCache { get; init; }

    /// <summary>Stage log files (<see cref="Running.StageLogFile"/>): <c>HOME/logs</c>.</summary>
    public string LogDirectory => Path.Combine(HomeDirectory, "logs");

    /// <summary>
    /// Null (the command line): activities read any path. Otherwise (the server) every path input (artifact inputs and
    /// <see cref="Abstractions.FilePathAttribute"/> strings) must lie below one of these directories or in the artifact
    /// store (<c>HOME/artifacts</c>); a stage with one outside fails before it starts. See docs/server.md.
    /// </summary>
    public IReadOnlyList<string>? DataRoots { get; init; }

    /// <summary>The store file actually used.</summary>
    public string ResolvedStorePath => StorePath ?? Path.Combine(HomeDirectory, "runs.db");
}
