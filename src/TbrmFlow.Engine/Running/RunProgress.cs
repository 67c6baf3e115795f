using TbrmFlow.Engine.Planning;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// The progress rules of a run, in one pure place: what an instance whose dependencies all finished
/// does (<see cref="Next"/>), what a plan with some records has ready, skipped and cancelled
/// (<c>Evaluate</c>), and the run's status (<see cref="Outcome"/>). The in-process
/// <see cref="DagExecutor"/>, the cluster's RunAdvancer and RunCanceller, <c>StoredRuns</c> and the
/// designer's node states all call these; docs/engine.md has them as a table.
/// </summary>
public static class RunProgress
{
    /// <summary>Why a stage that never started was cancelled.</summary>
    public const string CancelledBeforeStart = "the run was cancelled before it started";

    /// <summary>What to do with an instance whose dependencies all finished.</summary>
    /// <param name="Status"><see cref="StageStatus.Ready"/> (run it), <see cref="StageStatus.Skipped"/> or <see cref="StageStatus.Cancelled"/>.</param>
    /// <param name="Reason">Why it does not run, or null.</param>
    public sealed record Decision(StageStatus Status, string? Reason);

    /// <summary>An instance that ends without running.</summary>
    public sealed record NotRun(string InstanceId, StageStatus Status, string Reason);

    /// <summary>What <c>Evaluate</c> found.</summary>
    /// <param name="Ready">Instances without a record whose dependencies all have outputs: run (enqueue) them.</param>
    /// <param name="Ended">Instances without a record that end without running (skipped behind a dependency, or cancelled).</param>
    /// <param name="Status">The run's status once <paramref name="Ended"/> are recorded.</param>
    public sealed record Step(IReadOnlyList<string> Ready, IReadOnlyList<NotRun> Ended, RunStatus Status);

    /// <summary>
    /// An instance whose dependencies all finished: skipped behind the first one without outputs (failed,
    /// skipped, cancelled), else cancelled when the run is being cancelled, else ready.
    /// </summary>
    /// <param name="dependencies">Each dependency's id and final status, in declaration order.</param>
    /// <param name="cancelling">The run is being cancelled.</param>
    /// <param name="prefix">Prepended to dependency ids in the reason (sub-stages of a repeat iteration).</param>
    public static Decision Next(IEnumerable<(string Id, StageStatus Status)> dependencies, bool cancelling, string prefix = "")
    {
        foreach (var (id, status) in dependencies)
        {
            if (!Lifecycle.HasOutputs(status))
            {
                return new Decision(StageStatus.Skipped, $"dependency '{prefix}{id}' {Lifecycle.Name(status)}");
            }
        }
        return cancelling ? new Decision(StageStatus.Cancelled, CancelledBeforeStart) : new Decision(StageStatus.Ready, null);
    }

    /// <summary>
    /// Given the plan and the statuses recorded so far (instances not in <paramref name="records"/> have not
    /// been started), decides every instance that can be decided now: ready ones, and ones that end without
    /// running (those count as recorded for their own dependents, so a chain behind a failure is skipped at
    /// once). When <paramref name="cancelling"/>, recorded instances that had not started (pending, ready,
    /// queued) are cancelled too.
    /// </summary>
    public static Step Evaluate(IReadOnlyList<StageInstance> plan, IReadOnlyDictionary<string, StageStatus> records, bool cancelling) =>
        Evaluate(plan.Select(i => (i.Id, i.DependsOn)).ToList(), records, cancelling);

    /// <inheritdoc cref="Evaluate(IReadOnlyList{StageInstance}, IReadOnlyDictionary{string, StageStatus}, bool)"/>
    public static Step Evaluate(IReadOnlyList<(string Id, IReadOnlyList<string> DependsOn)> plan, IReadOnlyDictionary<string, StageStatus> records, bool cancelling)
    {
        var known = new Dictionary<string, StageStatus>(records, StringComparer.Ordinal);
        var ready = new List<string>();
        var ended = new List<NotRun>();
        if (cancelling)
        {
            foreach (var (id, _) in plan.Where(i => known.TryGetValue(i.Id, out var s) && s is StageStatus.Pending or StageStatus.Ready or StageStatus.Queued))
            {
                known[id] = StageStatus.Cancelled;
                ended.Add(new NotRun(id, StageStatus.Cancelled, CancelledBeforeStart));
            }
        }
        var decided = new HashSet<string>(StringComparer.Ordinal);
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (id, dependsOn) in plan.Where(i => !known.ContainsKey(i.Id) && !decided.Contains(i.Id)))
            {
                if (!dependsOn.All(d => known.TryGetValue(d, out var s) && Lifecycle.IsFinal(s)))
                {
                    continue;
                }
                var decision = Next(dependsOn.Select(d => (d, known[d])), cancelling);
                decided.Add(id);
                changed = true;
                if (decision.Status == StageStatus.Ready)
                {
                    ready.Add(id);
                }
                else
                {
                    known[id] = decision.Status;
                    ended.Add(new NotRun(id, decision.Status, decision.Reason!));
                }
            }
        }
        var status = plan.All(i => known.TryGetValue(i.Id, out var s) && Lifecycle.IsFinal(s))
            ? Outcome(plan.Select(i => known[i.Id]), cancelling)
            : Unfinished(plan.Select(i => known.GetValueOrDefault(i.Id, StageStatus.Pending)), cancelling);
        return new Step(ready, ended, status);
    }

    /// <summary>
    /// The status of a run whose instances all finished: cancelled when it was being cancelled or any
    /// instance was cancelled, else failed when any failed, else succeeded (skipped and cached count as done).
    /// </summary>
    public static RunStatus Outcome(IEnumerable<StageStatus> statuses, bool cancelled)
    {
        var all = statuses.ToList();
        return cancelled || all.Contains(StageStatus.Cancelled) ? RunStatus.Cancelled
            : all.Contains(StageStatus.Failed) ? RunStatus.Failed
            : RunStatus.Succeeded;
    }

    /// <summary>The status of a run with unfinished instances: interrupted when one was interrupted and none runs, else running (cancelling).</summary>
    public static RunStatus Unfinished(IEnumerable<StageStatus> statuses, bool cancelling)
    {
        var all = statuses.ToList();
        if (all.Contains(StageStatus.Interrupted) && !all.Any(s => s is StageStatus.Running or StageStatus.Queued))
        {
            return RunStatus.Interrupted;
        }
        return cancelling ? RunStatus.Cancelling : RunStatus.Running;
    }

    /// <summary>
    /// The one status shown for several instances (a designer node with matrix cells or repeat iterations,
    /// or a run's stages): failed, then interrupted, then running (queued), then cancelled win; when every
    /// instance is final the run outcome rules apply, except that all-skipped and all-cached stay so.
    /// </summary>
    public static StageStatus Combine(IEnumerable<StageStatus> statuses)
    {
        var all = statuses.ToList();
        foreach (var s in (StageStatus[])[StageStatus.Failed, StageStatus.Interrupted, StageStatus.Running, StageStatus.Queued, StageStatus.Cancelled])
        {
            if (all.Contains(s))
            {
                return s;
            }
        }
        if (all.Count == 0 || !all.All(Lifecycle.IsFinal))
        {
            return StageStatus.Pending;
        }
        return all.All(s => s == StageStatus.Skipped) ? StageStatus.Skipped
            : all.All(s => s == StageStatus.Cached) ? StageStatus.Cached
            : StageStatus.Succeeded;
    }

    /// <summary>The run's error: the first failed instance's id and error.</summary>
    public static string? Error(IEnumerable<(string Id, StageStatus Status, string? Error)> stages) =>
        stages.Where(s => s.Status == StageStatus.Failed).Select(s => $"{s.Id}: {s.Error}").FirstOrDefault();
}
