using Microsoft.EntityFrameworkCore;

namespace TbrmFlow.Engine.Store;

/// <summary>EF Core mapping of the run store. The schema itself is created by <see cref="SchemaMigrations"/>.</summary>
/// <param name="options">Provider options (SQLite).</param>
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
        modelBuilder.Entity<RunRecord>().ToTable("runs").HasKey(r => r.Id);
        modelBuilder.Entity<StageRecord>().ToTable("stages").HasKey(s => s.Id);
        modelBuilder.Entity<StageRecord>().HasIndex(s => new { s.RunId, s.InstanceId }).IsUnique();
        modelBuilder.Entity<StageRecord>().HasIndex(s => s.CacheKey);
        modelBuilder.Entity<AttemptRecord>().ToTable("attempts").HasKey(a => a.Id);
    }
}
