using Microsoft.Data.Sqlite;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cli.Tests;

/// <summary>A run store made by a newer tbrmflow: one clear line and exit 2, not a stack trace.</summary>
public sealed class StoreVersionCliTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("tbrmflow-store-version-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task NewerStore_IsRefusedWithOneLine_AndExitsTwo()
    {
        var store = Path.Combine(_work, "store.db");
        new RunStore(store).Dispose();
        using (var connection = new SqliteConnection($"Data Source={store};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"INSERT INTO store_schema VALUES ({StoreSchema.Steps.Count + 1}, '2027-01-01', 'from the future')";
            command.ExecuteNonQuery();
        }

        var (code, stdout, stderr) = await TbrmflowProcess.RunAsync(_work, "runs", "--store", store);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout);
        Assert.Equal(
            $"error: the run store {store} has schema version {StoreSchema.Steps.Count + 1}, newer than this tbrmflow ({StoreSchema.Steps.Count}); upgrade tbrmflow",
            stderr.Trim());
    }
}
