using Microsoft.EntityFrameworkCore;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Testing;

/// <summary>Test-only: the run store's model with one more stage column (a shadow property: the records are the
/// product's), to show on each provider that adding a column is one property plus one schema step.</summary>
public sealed class WiderStoreContext(DbContextOptions<WiderStoreContext> options) : DbContext(options)
{
    /// <summary>The added column.</summary>
    public const string Column = "Note";

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        RunStoreContext.Map(modelBuilder);
        modelBuilder.Entity<StageRecord>().Property<string?>(Column);
    }
}
