using TbrmFlow.Engine.Store;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// How the attempts of a stage instance are counted and stamped: the one place where a scheduler's own rules about
/// attempts enter the engine. In process every run of an instance has its full retry budget
/// (<see cref="FreshAttempts"/>); the cluster supplies its own policy (attempts continue from the store, attempts
/// lost with a dead worker are not charged, each attempt names its worker), so the engine knows nothing of workers.
/// </summary>
public interface IAttemptPolicy
{
    /// <summary>The retry-budget number of the next attempt of <paramref name="record"/>'s instance (1 = a fresh
    /// budget); above the stage's <c>retry.attempts</c> the stage fails without running.</summary>
    int NextInBudget(StageRecord record);

    /// <summary>Adds the policy's fields to a new attempt before it is stored.</summary>
    void Stamp(AttemptRecord attempt);
}

/// <summary>In-process: every run (and resume) of an instance starts a fresh retry budget; attempts carry nothing extra.</summary>
public sealed class FreshAttempts : IAttemptPolicy
{
    /// <summary>The one instance.</summary>
    public static FreshAttempts Instance { get; } = new();

    private FreshAttempts()
    {
    }

    /// <inheritdoc />
    public int NextInBudget(StageRecord record) => 1;

    /// <inheritdoc />
    public void Stamp(AttemptRecord attempt)
    {
    }
}
