using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace TbrmFlow.Engine.Faults;

/// <summary>Why a write failed, when the cause is the file system rather than the program.</summary>
public enum WriteFaultKind
{
    /// <summary>No space left on the device (ENOSPC, SQLITE_FULL, PostgreSQL's disk_full 53100).</summary>
    DiskFull,
    /// <summary>The disk quota is used up (EDQUOT).</summary>
    QuotaExceeded,
    /// <summary>The file system or database is read-only (EROFS, SQLITE_READONLY, PostgreSQL's read_only_sql_transaction 25006).</summary>
    ReadOnly,
}

/// <summary>
/// A write that failed because of the file system (disk full, quota, read-only): the run cannot go on, and the
/// message names the cause and the path in one line instead of an exception's stack.
/// </summary>
/// <param name="Kind">The cause.</param>
/// <param name="Path">The file being written, or where the store lives.</param>
/// <param name="Database">The database server refused the write (PostgreSQL), not a file system on this machine.</param>
public sealed record WriteFault(WriteFaultKind Kind, string Path, bool Database = false)
{
    private const int Enospc = 28, Erofs = 30, Edquot = 122;

    /// <summary>e.g. <c>disk full writing /data/runs.db</c>, <c>read-only database writing postgresql://db:5432/tbrmflow</c>.</summary>
    public string Message => Kind switch
    {
        WriteFaultKind.DiskFull => $"disk full writing {Path}",
        WriteFaultKind.QuotaExceeded => $"disk quota exceeded writing {Path}",
        _ => $"read-only {(Database ? "database" : "file system")} writing {Path}",
    };

    /// <summary>What to do about it.</summary>
    public string Remedy => Kind == WriteFaultKind.ReadOnly ? "make the store writable" : "free space";

    /// <summary>The fault behind <paramref name="error"/> (searched through inner and aggregated exceptions), or null
    /// when it is not a file-system fault. <paramref name="path"/> names the file when the exception does not (SQLite,
    /// PostgreSQL). Of PostgreSQL's errors only disk_full (53100) and read_only_sql_transaction (25006: a read-only
    /// database or role, a hot standby) are write faults: out_of_memory (53200) and the other resource errors pass
    /// with a retry or a smaller stage, and stay the stage's own failure.</summary>
    public static WriteFault? Of(Exception? error, string? path = null)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(i => Of(i, path)).FirstOrDefault(f => f is not null);
            }
            var kind = e switch
            {
                SqliteException { SqliteErrorCode: 13 } => WriteFaultKind.DiskFull,      // SQLITE_FULL
                SqliteException { SqliteErrorCode: 8 } => WriteFaultKind.ReadOnly,       // SQLITE_READONLY
                SqliteException { SqliteErrorCode: 10 } s when s.Message.Contains("disk", StringComparison.OrdinalIgnoreCase) => WriteFaultKind.DiskFull,
                DbException { SqlState: "53100" } => WriteFaultKind.DiskFull,
                DbException { SqlState: "25006" } => WriteFaultKind.ReadOnly,
                IOException { HResult: Enospc } => WriteFaultKind.DiskFull,
                IOException { HResult: Edquot } => WriteFaultKind.QuotaExceeded,
                IOException { HResult: Erofs } => WriteFaultKind.ReadOnly,
                IOException io when io.Message.StartsWith("No space left on device", StringComparison.Ordinal) => WriteFaultKind.DiskFull,
                IOException io when io.Message.StartsWith("Read-only file system", StringComparison.Ordinal) => WriteFaultKind.ReadOnly,
                _ => (WriteFaultKind?)null,
            };
            if (kind is { } k)
            {
                // PostgreSQL names a file on the server (pg_tblspc/...), of no use where the message is read.
                return e is DbException and not SqliteException
                    ? new WriteFault(k, path ?? "(the database)", Database: true)
                    : new WriteFault(k, PathIn(e.Message) ?? path ?? "(unknown file)");
            }
        }
        return null;
    }

    /// <summary>.NET quotes the path at the end of an I/O error: <c>No space left on device : '/x/y'</c>.</summary>
    private static string? PathIn(string message)
    {
        var start = message.LastIndexOf(" : '", StringComparison.Ordinal);
        return start >= 0 && message.EndsWith('\'') ? message[(start + 4)..^1] : null;
    }
}

/// <summary>
/// The first write fault of a run: reporting one stops the run (its token is cancelled) so that every stage ends
/// instead of failing one write after another. Thread-safe.
/// </summary>
public sealed class WriteFaultLatch : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly string? _storePath;
    private WriteFault? _fault;

    /// <summary>Follows <paramref name="cancellation"/> (the user's Ctrl+C) as well.</summary>
    /// <param name="cancellation">Stops the run too.</param>
    /// <param name="storePath">Where the run store lives, named when a reported error does not say which file it wrote
    /// (a database's error).</param>
    public WriteFaultLatch(CancellationToken cancellation, string? storePath = null)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _storePath = storePath;
    }

    /// <summary>Cancelled by the user or by a write fault.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The first fault reported, or null.</summary>
    public WriteFault? Fault => Volatile.Read(ref _fault);

    /// <summary>Records <paramref name="error"/> when it is a write fault (the first one wins) and stops the run;
    /// true when it was one.</summary>
    public bool Report(Exception error, string? path = null)
    {
        if (WriteFault.Of(error, path ?? _storePath) is not { } fault)
        {
            return false;
        }
        if (Interlocked.CompareExchange(ref _fault, fault, null) is null)
        {
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the run already ended
            }
        }
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _stop.Dispose();
}
