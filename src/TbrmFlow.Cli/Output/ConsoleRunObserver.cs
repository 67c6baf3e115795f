using Spectre.Console;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Output;

/// <summary>
/// The run's display on stderr (stdout stays clean for results): one line per stage state change and log
/// line; stages that report progress get a live progress bar on a terminal (<paramref name="live"/>), or a
/// plain progress line at every tenth of the way when stderr is a file or a pipe. The lines are the
/// stage log's (<see cref="StageLogLines"/>), prefixed with the stage id.
/// </summary>
/// <param name="console">Where to write.</param>
/// <param name="live">True to draw live progress bars (an interactive terminal that understands ANSI).</param>
public sealed class ConsoleRunObserver(IAnsiConsole console, bool live) : IRunObserver, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ProgressTask> _bars = new(StringComparer.Ordinal);
    private readonly StageLogLines _lines = new();
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ProgressContext? _progress;
    private Task? _display;

    /// <inheritdoc />
    public void StageStarted(StageInfo stage) => _lines.Reset(stage.StageId);

    /// <inheritdoc />
    public void StageStateChanged(string stageId, StageStatus status, string? detail = null)
    {
        lock (_gate)
        {
            console.MarkupLineInterpolated($"[blue]{stageId}[/] {StageLogLines.State(status, detail)}");
            if (status is not (StageStatus.Running or StageStatus.Pending) && _bars.Remove(stageId, out var bar))
            {
                bar.Value = bar.MaxValue;
                bar.StopTask();
            }
        }
    }

    /// <inheritdoc />
    public void StageProgress(string stageId, long done, long total, string? message)
    {
        lock (_gate)
        {
            if (live)
            {
                ShowBar(stageId, done, total, message);
                return;
            }
            // Plain output (CI logs, files): a line when the stage passes another tenth of its work.
            if (_lines.Progress(stageId, done, total, message) is { } line)
            {
                console.MarkupLineInterpolated($"[blue]{stageId}[/] [grey]{line}[/]");
            }
        }
    }

    /// <inheritdoc />
    public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics) => _lines.Metrics(stageId, metrics);

    /// <inheritdoc />
    public void StageLog(string stageId, string message)
    {
        lock (_gate)
        {
            console.MarkupLineInterpolated($"[blue]{stageId}[/] {message}");
        }
    }

    /// <summary>Ends the live display (if one was started) and waits until it has been cleared.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.TrySetResult();
        if (_display is { } display)
        {
            await display;
        }
    }

    private void ShowBar(string stageId, long done, long total, string? message)
    {
        _progress ??= StartDisplay();
        if (!_bars.TryGetValue(stageId, out var bar))
        {
            bar = _progress.AddTask(Markup.Escape(stageId));
            _bars[stageId] = bar;
        }
        bar.MaxValue = Math.Max(1, total);
        bar.Value = Math.Min(done, bar.MaxValue);
        bar.Description = Markup.Escape(message is null ? stageId : $"{stageId} {message}");
    }

    private ProgressContext StartDisplay()
    {
        var ready = new TaskCompletionSource<ProgressContext>();
        _display = console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ready.SetResult(context);
                await _stop.Task;
            });
        return ready.Task.GetAwaiter().GetResult();
    }
}
