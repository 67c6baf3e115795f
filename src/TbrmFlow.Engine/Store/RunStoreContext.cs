using Microsoft.EntityFrameworkCore;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>
/// EF Core mapping of the run store, for both providers (SQLite, PostgreSQL): tables, keys, indexes and
/// the status converters (statuses are stored as readable lowercase names). The writers derive their
/// upserts from this model (<see cref="StoreMap"/>) and <see cref="StoreSchema"/> generates the tables from it
/// for each provider. Primary keys are named <c>TABLE_pkey</c>, the name PostgreSQL gave them before the model
/// defined the tables, so stores made then and now have the same constraints.
/// </summary>
/// <param name="options">Provider options.</param>
public sealed class RunStoreContext(DbContextOptions<RunStoreContext> options) : DbContext(options)
{
    /// <summary>Runs.</summary>
    public DbSet<RunRecord> Runs => Set<RunRecord>();

    /// <summary>Stage instances.</summary>
    public DbSet<StageRecord> Stages => Set<StageRecord>();

    /// <summary>Attempts.</summary>
    public DbSet<AttemptRecord> Attempts => Set<AttemptRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => Map(modelBuilder);

    /// <summary>The mapping (public so a test can map a wider model from it).</summary>
    public static void Map(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        var run = modelBuilder.Entity<RunRecord>();
        run.ToTable("runs").HasKey(r => r.Id).HasName("runs_pkey");
        run.Property(r => r.Status).HasConversion(s => Lifecycle.Name(s), s => Lifecycle.ParseRun(s));
        var stage = modelBuilder.Entity<StageRecord>();
        stage.ToTable("stages").HasKey(s => s.Id).HasName("stages_pkey");
        stage.HasIndex(s => new { s.RunId, s.InstanceId }).IsUnique();
        stage.HasIndex(s => s.CacheKey);
        stage.Property(s => s.Status).HasConversion(s => Lifecycle.Name(s), s => Lifecycle.ParseStage(s));
        var attempt = modelBuilder.Entity<AttemptRecord>();
        attempt.ToTable("attempts").HasKey(a => a.Id).HasName("attempts_pkey");
        attempt.HasIndex(a => new { a.RunId, a.InstanceId, a.Number }).IsUnique();
        attempt.Property(a => a.Status).HasConversion(s => Lifecycle.Name(s), s => Lifecycle.ParseStage(s));
    }
}
