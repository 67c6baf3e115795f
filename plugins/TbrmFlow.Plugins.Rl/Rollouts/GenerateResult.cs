using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Rollouts;

/// <summary>The stored rollouts.</summary>
public sealed record GenerateResult
{
    /// <summary>The RolloutBatch (rollouts.jsonl + manifest.json).</summary>
    public required RolloutBatch Rollouts { get; init; }

    /// <summary>Number of responses.</summary>
    public required int Count { get; init; }

    /// <summary>Mean reward of the responses.</summary>
    public required double RewardMean { get; init; }
}
