namespace TbrmFlow.Cluster;

/// <summary>How a client or worker talks to the cluster.</summary>
public sealed record ClusterOptions
{
    /// <summary>The PostgreSQL connection string shared by the run store and Hangfire.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The lease of a fetched job (Hangfire.PostgreSql's InvisibilityTimeout): a job fetched by a worker
    /// that died is handed to another worker after this long. Live workers extend it in the background
    /// (sliding invisibility), so it need not exceed a stage's duration. Default 5 minutes.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often idle workers poll their queues when no NOTIFY arrives; with long polling
    /// (LISTEN/NOTIFY, on by default) a new job wakes a waiting worker at once.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Hangfire's schema in the database.</summary>
    public string HangfireSchema { get; init; } = "hangfire";
}
