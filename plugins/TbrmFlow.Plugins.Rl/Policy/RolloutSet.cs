using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Generation;

namespace TbrmFlow.Plugins.Rl.Policy;

/// <summary>Sampled responses of one step: the padded tensors plus what the host needs per row (N = prompts x n rows).</summary>
public sealed class RolloutSet
{
    /// <summary>The trajectories as tensors (rewards included).</summary>
    public required TrajectoryBatch Batch { get; init; }

    /// <summary>Per row: its problem.</summary>
    public required IReadOnlyList<Problem> Problems { get; init; }

    /// <summary>Per row: decoded response.</summary>
    public required string[] Texts { get; init; }

    /// <summary>Per row: raw reward from the reward function.</summary>
    public required double[] Rewards { get; init; }

    /// <summary>Per row: response tokens including EOS.</summary>
    public required int[] Lengths { get; init; }

    /// <summary>Per row: EOS or length.</summary>
    public required FinishReason[] FinishReasons { get; init; }
}
