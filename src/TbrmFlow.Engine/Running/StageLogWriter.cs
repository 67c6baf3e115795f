namespace TbrmFlow.Engine.Running;

/// <summary>
/// Writes each stage instance's log to <c>LOGS/RUN/INSTANCE.log</c> (<see cref="StageLogFile"/>): the
/// lines <see cref="StageLogLines"/> makes of its events, one per line with the UTC time in front.
/// The CLI and the server both add it to a run's observers, so every run of a home has its logs;
/// <paramref name="onLine"/> gets each line as it is written (the server streams it to browsers).
/// </summary>
/// <param name="logDirectory">The logs folder, <see cref="EngineOptions.LogDirectory"/>.</param>
/// <param name="onLine">Called with the instance id and each line, after it is written.</param>
/// <param name="runId">The run, when the writer sees only stage events (a cluster worker's stage job); otherwise it
/// learns the run from <see cref="RunStarted"/>.</param>
public sealed class StageLogWriter(string logDirectory, Action<string, StageLogLine>? onLine = null, string? runId = null) : IRunObserver
{
    /// <summary>A stage log stops growing at this size (a line says so); the MLflow metrics keep everything numeric.</summary>
    public const long MaxFileBytes = 20 * 1024 * 1024;

    /// <summary>Longer lines are cut to this many characters.</summary>
    public const int MaxLineLength = 4000;

    private readonly StageLogLines _lines = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _sizes = new(StringComparer.Ordinal);
    private string? _runId = runId;

    /// <summary>Errors writing the files (the run goes on; the lines still reach the callback).</summary>
    public int WriteErrors { get; private set; }

    /// <inheritdoc />
    public void RunStarted(RunInfo run) => Volatile.Write(ref _runId, run.RunId);

    /// <inheritdoc />
    public void StageStarted(StageInfo stage) => _lines.Reset(stage.StageId);

    /// <inheritdoc />
    public void StageStateChanged(string stageId, StageStatus status, string? detail = null) => Write(stageId, StageLogLines.State(status, detail));

    /// <inheritdoc />
    public void StageProgress(string stageId, long done, long total, string? message)
    {
        if (_lines.Progress(stageId, done, total, message) is { } line)
        {
            Write(stageId, line);
        }
    }

    /// <inheritdoc />
    public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics) => _lines.Metrics(stageId, metrics);

    /// <inheritdoc />
    public void StageLog(string stageId, string message)
    {
        foreach (var line in message.ReplaceLineEndings("\n").Split('\n'))
        {
            Write(stageId, line);
        }
    }

    private void Write(string instanceId, string text)
    {
        if (Volatile.Read(ref _runId) is not { } runId)
        {
            return;
        }
        var line = new StageLogLine(DateTime.UtcNow, text.Length > MaxLineLength ? text[..MaxLineLength] + "…" : text);
        lock (_gate)
        {
            Append(runId, instanceId, line);
        }
        onLine?.Invoke(instanceId, line);
    }

    // Under _gate: appends one line to the instance's file unless the file reached its cap.
    private void Append(string runId, string instanceId, StageLogLine line)
    {
        var file = StageLogFile.PathOf(logDirectory, runId, instanceId);
        if (!_sizes.TryGetValue(instanceId, out var size))
        {
            size = File.Exists(file) ? new FileInfo(file).Length : 0; // a resumed run appends to its log
        }
        if (size >= MaxFileBytes)
        {
            return;
        }
        var record = StageLogFile.Format(line);
        if (size + record.Length >= MaxFileBytes)
        {
            record = StageLogFile.Format(line with { Text = $"(log cut at {MaxFileBytes / (1024 * 1024)} MB)" });
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.AppendAllText(file, record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteErrors++;
        }
        _sizes[instanceId] = size + record.Length >= MaxFileBytes ? MaxFileBytes : size + record.Length;
    }
}
