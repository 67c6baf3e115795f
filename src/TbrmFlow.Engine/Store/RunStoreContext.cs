using Microsoft.EntityFrameworkCore;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Store;

/// <summary>
/// EF Core mapping of the run store, for both providers (SQLite, PostgreSQL): tables, keys, indexes and
/// the status converters (statuses are stored as readable lowercase names). The writers derive their
/// upserts from this model (<see cref="StoreMap"/>); the schema itself is created by
/// <see cref="SchemaMigrations"/> (SQLite) and the cluster's PostgresSchema.
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
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var run = modelBuilder.Entity<RunRecord>();
        run.ToTable("runs").HasKey(r => r.Id);
        run.Property(r => r.Status).HasConversion(s => Lifecycle.Name(s), s => Lifecycle.ParseRun(s));
        var stage = modelBuilder.Entity<StageRecord>();
        stage.ToTable("stages").HasKey(s => s.Id);
        stage.HasIndex(s => new { s.RunId, s.InstanceId }).IsUnique();
        stage.HasIndex(s => s.CacheKey);
        stage.Property(s => s.Status).HasConversion(s => Lifecycle.Name(s), s => Lifecycle.ParseStage(s));
        var attempt = modelBuilder.Entity<AttemptRecord>();
        attempt.ToTable("attempts").HasKey(a => a.Id);
        attempt.HasIndex(a => new { a.RunId, a.InstanceId, a.Number }).IsUnique();
        attempt.Property(a => a.Status).HasConversion(s => Lifecycle.Name(s), s => Lifecycle.ParseStage(s));
    }
}
