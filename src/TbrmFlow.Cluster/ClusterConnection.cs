using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using TbrmFlow.Cluster.Store;

namespace TbrmFlow.Cluster;

/// <summary>One process's handle on the cluster database: the run store, Hangfire's storage and its job client.</summary>
public sealed class ClusterConnection : IDisposable
{
    /// <summary>Connects, creating Hangfire's schema and migrating the run store when needed.</summary>
    /// <exception cref="ClusterException">The database cannot be reached.</exception>
    public ClusterConnection(ClusterOptions options)
    {
        Options = options;
        try
        {
            DataSource = NpgsqlDataSource.Create(options.ConnectionString);
            Store = new PostgresRunStore(DataSource);
            var storageOptions = new PostgreSqlStorageOptions
            {
                SchemaName = options.HangfireSchema,
                PrepareSchemaIfNecessary = true,
                InvisibilityTimeout = options.Lease,
                UseSlidingInvisibilityTimeout = true,
                EnableLongPolling = true,
                QueuePollInterval = options.PollInterval,
                DistributedLockTimeout = TimeSpan.FromSeconds(30),
            };
            Storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(options.ConnectionString, storageOptions), storageOptions);
            Jobs = new BackgroundJobClient(Storage);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            DataSource?.Dispose();
            throw new ClusterException($"cannot use the cluster database ({Describe(options.ConnectionString)}): {e.Message}", e);
        }
    }

    /// <summary>The options.</summary>
    public ClusterOptions Options { get; }

    /// <summary>Connection pool for the run store and the advancer.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The run store.</summary>
    public PostgresRunStore Store { get; }

    /// <summary>Hangfire's storage.</summary>
    public PostgreSqlStorage Storage { get; }

    /// <summary>Creates Hangfire jobs.</summary>
    public IBackgroundJobClient Jobs { get; }

    /// <summary>Host, port and database of a connection string (no password), for messages.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{b.Host}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException)
        {
            return "unparseable connection string";
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Store.Dispose();
        DataSource.Dispose();
    }
}

/// <summary>A cluster problem with a message for the user.</summary>
public sealed class ClusterException(string message, Exception? inner = null) : Exception(message, inner);
