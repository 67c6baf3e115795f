using Spectre.Console;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Output;

/// <summary>Prints one line per stage event on stderr, so stdout stays clean for results.</summary>
/// <param name="console">Where to write.</param>
public sealed class ConsoleRunObserver(IAnsiConsole console) : IRunObserver
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public void StageStateChanged(string stageId, StageStatus status, string? detail = null)
    {
        lock (_gate)
        {
            console.MarkupLineInterpolated($"[blue]{stageId}[/] {status.ToString().ToLowerInvariant()}{(detail is null ? "" : ": " + detail)}");
        }
    }

    /// <inheritdoc />
    public void StageProgress(string stageId, long done, long total, string? message)
    {
        lock (_gate)
        {
            var percent = total > 0 ? 100.0 * done / total : 0;
            console.MarkupLineInterpolated($"[blue]{stageId}[/] [grey]{done}/{total} ({percent:F0}%) {message ?? ""}[/]");
        }
    }

    /// <inheritdoc />
    public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics)
    {
    }

    /// <inheritdoc />
    public void StageLog(string stageId, string message)
    {
        lock (_gate)
        {
            console.MarkupLineInterpolated($"[blue]{stageId}[/] {message}");
        }
    }
}
