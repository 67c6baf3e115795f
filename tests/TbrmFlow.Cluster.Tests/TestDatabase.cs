using Npgsql;

namespace TbrmFlow.Cluster.Tests;

/// <summary>A fresh database on the test server (TBRMFLOW_TEST_POSTGRES), dropped on dispose.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _admin;
    private readonly string _name = "tbrmflow_" + Guid.NewGuid().ToString("n")[..12];

    public TestDatabase()
    {
        _admin = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)
            ?? throw new InvalidOperationException($"{PostgresFactAttribute.Variable} is not set: run `. .ci/postgres.sh` before the tests (CI must run them)");
        Execute($"CREATE DATABASE \"{_name}\"");
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = _name }.ConnectionString;
    }

    /// <summary>Connection string of the fresh database.</summary>
    public string ConnectionString { get; }

    /// <summary>A cluster connection with a short lease.</summary>
    public ClusterConnection Connect(double leaseSeconds = 3) =>
        new(new ClusterOptions { ConnectionString = ConnectionString, Lease = TimeSpan.FromSeconds(leaseSeconds) });

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Execute($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }
}
