using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Cluster;

/// <summary>
/// The cluster's attempt rules: a job re-delivered after its worker died is not a fresh stage, so the retry budget
/// continues from the stored attempts, except those lost with a dead worker (<paramref name="lost"/>, per instance id:
/// the worker's fault, not the stage's); every attempt records the worker that ran it.
/// </summary>
/// <param name="worker">This worker's name (<c>host:pid</c> or its configured name).</param>
/// <param name="lost">Per instance id (the stage and its repeat sub-stages): attempts lost with a dead worker.</param>
internal sealed class WorkerAttempts(string worker, IReadOnlyDictionary<string, int> lost) : IAttemptPolicy
{
    /// <inheritdoc />
    public int NextInBudget(StageRecord record) => record.Attempts - lost.GetValueOrDefault(record.InstanceId) + 1;

    /// <inheritdoc />
    public void Stamp(AttemptRecord attempt) => attempt.Worker = worker;
}
