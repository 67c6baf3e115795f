namespace TbrmFlow.Tracking.Local;

/// <summary>What <see cref="MlflowRepair.Repair"/> changed.</summary>
/// <param name="MetricFiles">Metric files rewritten.</param>
/// <param name="DuplicateLines">Lines dropped because a later line had the same step.</param>
/// <param name="CutLines">Last lines dropped because a kill or a full disk cut them short.</param>
/// <param name="RemovedDirectories">Half-made run directories removed (no meta.yaml and nothing logged, or staging leftovers).</param>
/// <param name="FinishedRuns">Run directories without meta.yaml that held records, given one (status FAILED).</param>
public sealed record RepairReport(int MetricFiles, int DuplicateLines, int CutLines, int RemovedDirectories, int FinishedRuns)
{
    /// <summary>True when nothing needed repair.</summary>
    public bool Clean => MetricFiles + RemovedDirectories + FinishedRuns == 0;
}

/// <summary>
/// Repairs what faults left in a store: metric files holding a step twice (written by versions before replays
/// replaced steps) or ending in a cut line, run directories without <c>meta.yaml</c> (a full disk while a run was
/// made, before runs were made atomically), and leftover staging copies and temporary files. Idempotent. Runs on
/// <c>tbrmflow mlflow repair</c> and, for the run's experiment, when a workflow run is resumed.
/// </summary>
public static class MlflowRepair
{
    /// <summary>Staging copies and temporary files younger than this may belong to a live writer and are kept.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(1);

    /// <summary>Repairs <paramref name="store"/>: only experiment <paramref name="experimentId"/> when given, and only the
    /// runs of workflow run <paramref name="workflowRunId"/> (tag <c>tbrmflow.run_id</c>) and directories without
    /// meta.yaml when given (a resume: other runs of the experiment may be live). Metric files are rewritten while
    /// nothing writes them, so run it on a store no live run writes to (a resume repairs only its own runs).</summary>
    public static RepairReport Repair(MlflowFileStore store, string? experimentId = null, string? workflowRunId = null, TimeSpan? minimumAge = null)
    {
        var age = minimumAge ?? MinimumAge;
        var now = DateTime.UtcNow;
        bool Old(string path) => now - Directory.GetLastWriteTimeUtc(path) >= age;
        int files = 0, duplicates = 0, cuts = 0, removed = 0, finished = 0;
        var staging = Path.Combine(store.Root, MlflowFileStore.StagingFolder);
        if (Directory.Exists(staging))
        {
            foreach (var leftover in Directory.EnumerateDirectories(staging).Where(Old).ToList())
            {
                MlflowFileStore.TryDelete(leftover);
                removed++;
            }
            store.TryRemoveEmptyStaging();
        }
        var experiments = experimentId is null
            ? Directory.EnumerateDirectories(store.Root).Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, "meta.yaml")))
            : [Path.Combine(store.Root, experimentId)];
        foreach (var experiment in experiments.Where(Directory.Exists))
        {
            foreach (var run in Directory.EnumerateDirectories(experiment).ToList())
            {
                if (workflowRunId is not null && File.Exists(Path.Combine(run, "meta.yaml"))
                    && !(File.Exists(Path.Combine(run, "tags", MlflowTags.RunId)) && File.ReadAllText(Path.Combine(run, "tags", MlflowTags.RunId)) == workflowRunId))
                {
                    continue;
                }
                foreach (var temp in Directory.EnumerateFiles(run, ".tbrmflow-tmp-*", SearchOption.AllDirectories).Where(f => now - File.GetLastWriteTimeUtc(f) >= age).ToList())
                {
                    File.Delete(temp);
                }
                if (!File.Exists(Path.Combine(run, "meta.yaml")))
                {
                    if (!Old(run))
                    {
                        continue;
                    }
                    if (!Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories).Any())
                    {
                        MlflowFileStore.TryDelete(run);
                        removed++;
                        continue;
                    }
                    var name = Path.Combine(run, "tags", MlflowTags.RunName) is var tag && File.Exists(tag) ? File.ReadAllText(tag) : "";
                    var started = new DateTimeOffset(Directory.GetCreationTimeUtc(run)).ToUnixTimeMilliseconds();
                    var orphan = new LocalRun(run, Path.GetFileName(experiment), Path.GetFileName(run), name, "", started, new Uri(Path.Combine(run, "artifacts")).AbsoluteUri);
                    orphan.Finish(MlflowRunStatus.Failed, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    finished++;
                }
                foreach (var (_, file) in LocalRunReader.Files(Path.Combine(run, "metrics")))
                {
                    var lines = MetricFile.Read(file, out var cut);
                    var dup = MetricFile.DuplicateSteps(lines);
                    if (dup == 0 && !cut)
                    {
                        continue;
                    }
                    MetricFile.Rewrite(file, MetricFile.LastPerStep(lines), run);
                    files++;
                    duplicates += dup;
                    cuts += cut ? 1 : 0;
                }
            }
        }
        return new RepairReport(files, duplicates, cuts, removed, finished);
    }
}
