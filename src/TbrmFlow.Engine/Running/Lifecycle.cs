using System.Collections.Frozen;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// The one place that knows the states of runs, stage instances and attempts: their stored names, which
/// are final, and which moves are legal (docs/engine.md draws the same tables). Every write of a status
/// goes through <see cref="Move(StageStatus, StageStatus)"/> or <see cref="Move(RunStatus, RunStatus)"/>.
/// </summary>
public static class Lifecycle
{
    /// <summary>Legal stage (and attempt) moves: from -> the states it may become.</summary>
    public static FrozenDictionary<StageStatus, StageStatus[]> StageMoves { get; } = new Dictionary<StageStatus, StageStatus[]>
    {
        [StageStatus.Pending] = [StageStatus.Ready, StageStatus.Queued, StageStatus.Running, StageStatus.Skipped, StageStatus.Cancelled, StageStatus.Interrupted],
        [StageStatus.Ready] = [StageStatus.Running, StageStatus.Skipped, StageStatus.Cancelled, StageStatus.Interrupted],
        // A worker-side failure before the stage ran (bad stored workflow, lost too often) fails a queued stage.
        [StageStatus.Queued] = [StageStatus.Running, StageStatus.Failed, StageStatus.Cancelled, StageStatus.Interrupted],
        // Skipped: its condition was false; queued: its worker shut down and handed it back.
        [StageStatus.Running] = [StageStatus.Succeeded, StageStatus.Cached, StageStatus.Failed, StageStatus.Skipped, StageStatus.Cancelled, StageStatus.Queued, StageStatus.Interrupted],
        [StageStatus.Interrupted] = [StageStatus.Running, StageStatus.Queued, StageStatus.Failed, StageStatus.Skipped, StageStatus.Cancelled],
        // A resume runs again what did not succeed (through running).
        [StageStatus.Failed] = [StageStatus.Running],
        [StageStatus.Cancelled] = [StageStatus.Running],
        [StageStatus.Skipped] = [StageStatus.Running],
        [StageStatus.Succeeded] = [],
        [StageStatus.Cached] = [],
    }.ToFrozenDictionary();

    /// <summary>Legal run moves: from -> the states it may become.</summary>
    public static FrozenDictionary<RunStatus, RunStatus[]> RunMoves { get; } = new Dictionary<RunStatus, RunStatus[]>
    {
        [RunStatus.Running] = [RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled, RunStatus.Cancelling, RunStatus.Interrupted],
        [RunStatus.Cancelling] = [RunStatus.Cancelled, RunStatus.Interrupted],
        // Resume: any run that is not live continues (a succeeded one finds nothing left to do).
        [RunStatus.Interrupted] = [RunStatus.Running, RunStatus.Cancelled],
        [RunStatus.Failed] = [RunStatus.Running],
        [RunStatus.Cancelled] = [RunStatus.Running],
        [RunStatus.Succeeded] = [RunStatus.Running],
    }.ToFrozenDictionary();

    /// <summary>True when a stage may go from <paramref name="from"/> to <paramref name="to"/> (staying put is always legal).</summary>
    public static bool CanMove(StageStatus from, StageStatus to) => from == to || StageMoves[from].Contains(to);

    /// <summary>True when a run may go from <paramref name="from"/> to <paramref name="to"/> (staying put is always legal).</summary>
    public static bool CanMove(RunStatus from, RunStatus to) => from == to || RunMoves[from].Contains(to);

    /// <summary>Returns <paramref name="to"/> when the move is legal.</summary>
    /// <exception cref="InvalidOperationException">An illegal move: a bug in the engine, never bad input.</exception>
    public static StageStatus Move(StageStatus from, StageStatus to) => CanMove(from, to)
        ? to
        : throw new InvalidOperationException($"a stage may not go from {Name(from)} to {Name(to)}");

    /// <inheritdoc cref="Move(StageStatus, StageStatus)"/>
    public static RunStatus Move(RunStatus from, RunStatus to) => CanMove(from, to)
        ? to
        : throw new InvalidOperationException($"a run may not go from {Name(from)} to {Name(to)}");

    /// <summary>A stage that will not change unless a resume runs it again.</summary>
    public static bool IsFinal(StageStatus status) => status is StageStatus.Succeeded or StageStatus.Cached or StageStatus.Failed or StageStatus.Skipped or StageStatus.Cancelled;

    /// <summary>A stage whose outputs exist (succeeded, or reused from the cache): its dependents may run.</summary>
    public static bool HasOutputs(StageStatus status) => status is StageStatus.Succeeded or StageStatus.Cached;

    /// <summary>A run that ended (it can only be resumed).</summary>
    public static bool IsFinal(RunStatus status) => status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>A run that someone is running now (in-process: a live owner; cluster: workers).</summary>
    public static bool IsLive(RunStatus status) => status is RunStatus.Running or RunStatus.Cancelling;

    /// <summary>The stored, printed and API name: lowercase (<c>succeeded</c>).</summary>
    public static string Name(StageStatus status) => StageNames[status];

    /// <inheritdoc cref="Name(StageStatus)"/>
    public static string Name(RunStatus status) => RunNames[status];

    /// <summary>The status named <paramref name="name"/> (any case).</summary>
    /// <exception cref="FormatException">Not a stage status.</exception>
    public static StageStatus ParseStage(string name) => Enum.TryParse<StageStatus>(name, ignoreCase: true, out var s) && Enum.IsDefined(s)
        ? s
        : throw new FormatException($"'{name}' is not a stage status; known: {string.Join(", ", StageNames.Values)}");

    /// <inheritdoc cref="ParseStage"/>
    public static RunStatus ParseRun(string name) => Enum.TryParse<RunStatus>(name, ignoreCase: true, out var s) && Enum.IsDefined(s)
        ? s
        : throw new FormatException($"'{name}' is not a run status; known: {string.Join(", ", RunNames.Values)}");

    private static readonly FrozenDictionary<StageStatus, string> StageNames = Enum.GetValues<StageStatus>().ToFrozenDictionary(s => s, s => s.ToString().ToLowerInvariant());
    private static readonly FrozenDictionary<RunStatus, string> RunNames = Enum.GetValues<RunStatus>().ToFrozenDictionary(s => s, s => s.ToString().ToLowerInvariant());
}
