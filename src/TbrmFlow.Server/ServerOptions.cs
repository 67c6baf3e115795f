namespace TbrmFlow.Server;

/// <summary>The server's settings, read once from configuration (appsettings, environment, command line).</summary>
public sealed record ServerOptions
{
    /// <summary>Default address: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>The workflows folder (config <c>workflows</c>, default <c>./workflows</c>), full path.</summary>
    public required string WorkflowsDirectory { get; init; }

    /// <summary>Engine home (config <c>home</c>, default <c>./.tbrmflow</c>), full path: the run store the CLI uses.</summary>
    public required string HomeDirectory { get; init; }

    /// <summary>The local MLflow file store (config <c>mlruns</c>, default <c>./mlruns</c>), full path, as the CLI writes it.</summary>
    public required string MlrunsDirectory { get; init; }

    /// <summary>The addresses the server listens on (config <c>urls</c>).</summary>
    public required string Urls { get; init; }

    /// <summary>
    /// Directories that runs started through this server may read (config <c>data_roots</c>, <c>;</c>-separated, default
    /// <c>./data</c>), full paths; the artifact store is always allowed. Every path input outside them fails its stage.
    /// </summary>
    public IReadOnlyList<string> DataRoots { get; init; } = [];

    /// <summary>Largest request body of the HTTP API in bytes (config <c>max_body_bytes</c>, default 1 MiB).</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Config <c>home</c>. ASP.NET Core's configuration also reads every
    /// environment variable without a prefix, case-insensitively, so the shell's <c>HOME</c> arrives as
    /// <c>home</c>: that value is ignored (the engine home is never the user's home directory by accident).
    /// </summary>
    private static string? Home(IConfiguration configuration)
    {
        var home = configuration["home"];
        if (home is not null && home == Environment.GetEnvironmentVariable("HOME"))
        {
            home = null;
        }
        return home;
    }

    /// <summary>Reads the options from <paramref name="configuration"/>.</summary>
    public static ServerOptions From(IConfiguration configuration) => new()
    {
        WorkflowsDirectory = Path.GetFullPath(configuration["workflows"] ?? "workflows"),
        HomeDirectory = Path.GetFullPath(Home(configuration) ?? ".tbrmflow"),
        MlrunsDirectory = Path.GetFullPath(configuration["mlruns"] ?? "mlruns"),
        Urls = configuration["urls"] ?? DefaultUrls,
        DataRoots = [.. (configuration["data_roots"] ?? "data").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath)],
        MaxBodyBytes = long.TryParse(configuration["max_body_bytes"], out var max) && max > 0 ? max : 1024 * 1024,
    };
}
