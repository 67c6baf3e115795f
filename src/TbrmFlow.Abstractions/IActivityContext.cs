namespace TbrmFlow.Abstractions;

/// <summary>
/// What a running activity may use besides its inputs: where to write, how to report. Activities
/// never talk to MLflow or the run store themselves; the engine turns these calls into records.
/// </summary>
public interface IActivityContext
{
    /// <summary>The workflow run's id.</summary>
    string RunId { get; }

    /// <summary>The stage instance id, e.g. <c>evaluate[policy=sft]</c>.</summary>
    string StageId { get; }

    /// <summary>1 for the first attempt, 2 after one retry or resume, ...</summary>
    int Attempt { get; }

    /// <summary>
    /// A directory that belongs to this stage instance and survives restarts and retries: put
    /// resumable checkpoints here and look for them at start.
    /// </summary>
    string StateDirectory { get; }

    /// <summary>Where artifacts are created, hashed and stored.</summary>
    IArtifactStore Artifacts { get; }

    /// <summary>
    /// GPU device indices assigned to this stage by a cluster worker (<c>--gpus</c>), like
    /// CUDA_VISIBLE_DEVICES for one stage; empty when nothing was assigned (use the <c>device</c> input).
    /// </summary>
    IReadOnlyList<int> Devices => [];

    /// <summary>Reports progress as <paramref name="done"/> of <paramref name="total"/> units.</summary>
    void ReportProgress(long done, long total, string? message = null);

    /// <summary>Records metrics at a step (training step, or 0 for final values).</summary>
    void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics);

    /// <summary>A line for the stage's log.</summary>
    void Log(string message);
}
