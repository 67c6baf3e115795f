using System.CommandLine;
using Spectre.Console;
using TbrmFlow.Cluster;
using TbrmFlow.Engine;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>--cluster CONN</c>: the PostgreSQL database of a cluster (docs/cluster.md).</summary>
internal sealed class ClusterCommandOptions
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "PostgreSQL connection string of a cluster (run store + job queues), e.g. 'Host=db;Username=tbrmflow;Password=...;Database=tbrmflow'. See docs/cluster.md.",
    };

    public void AddTo(Command command) => command.Options.Add(Cluster);

    public string? Get(ParseResult parse) => parse.GetValue(Cluster);

    /// <summary>Connects, or prints why not and returns null.</summary>
    public static ClusterConnection? Connect(string connectionString, TimeSpan? lease = null)
    {
        try
        {
            var leaseTime = lease ?? TimeSpan.FromMinutes(5);
            // Jobs whose lease expired are found by polling (no NOTIFY for them): poll at least twice per lease.
            var poll = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, leaseTime.Ticks / 2));
            return new ClusterConnection(new ClusterOptions { ConnectionString = connectionString, Lease = leaseTime, PollInterval = poll });
        }
        catch (ClusterException e)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return null;
        }
    }

    /// <summary>The run store the command reads: the cluster's when <c>--cluster</c> is given, else the local SQLite file (null when it does not exist).</summary>
    public static IRunStore? OpenStore(string? cluster, EngineOptions options, out ClusterConnection? connection)
    {
        connection = null;
        if (cluster is not null)
        {
            connection = Connect(cluster);
            return connection?.Store;
        }
        return File.Exists(options.ResolvedStorePath) ? new RunStore(options.ResolvedStorePath) : null;
    }
}
