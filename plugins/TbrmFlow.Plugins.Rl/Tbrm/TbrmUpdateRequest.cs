using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Rl.Online;

namespace TbrmFlow.Plugins.Rl.Tbrm;

/// <summary>Off-policy TBRM: optimiser steps on a stored RolloutBatch (any source) against a frozen reference.</summary>
[Activity("rl.tbrm.update", Version = 1, Category = "rl", Description = "TBRM optimiser steps on a stored RolloutBatch (off-policy) against a reference checkpoint.", Deterministic = true)]
public sealed record TbrmUpdateRequest : IActivity<OnlineResult>
{
    /// <summary>The policy to update.</summary>
    public required Checkpoint Policy { get; init; }

    /// <summary>The frozen reference (default: the policy given here; pass the original start in a repeat).</summary>
    public Checkpoint? Reference { get; init; }

    /// <summary>The trajectories.</summary>
    public required RolloutBatch Rollouts { get; init; }

    /// <summary>KL coefficient beta.</summary>
    public double Beta { get; init; } = 0.05;

    /// <summary>tbrm or token_brm.</summary>
    public string Variant { get; init; } = "tbrm";

    /// <summary>Subtract V_ref(s1) in the residual.</summary>
    public bool CalibrateV { get; init; }

    /// <summary>Multiplies the reward before dividing by beta.</summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>Map rewards r in {0, 1} to 2r - 1.</summary>
    public bool SignedReward { get; init; }

    /// <summary>Optimiser steps.</summary>
    public int Steps { get; init; } = 1;

    /// <summary>Trajectories per step, drawn in a seeded order that restarts with each stage (0 = the whole batch, in file order, every step).</summary>
    public int BatchSize { get; init; }

    /// <summary>Trajectories per forward/backward pass (0 = all of a step's).</summary>
    public int MicroBatchSize { get; init; }

    /// <summary>AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Global gradient-norm clip (0 = off).</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>The temperature that defines Q; must equal the rollouts' sampling temperature.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Start a fresh AdamW even when the policy checkpoint carries an optimiser state from an earlier update.</summary>
    public bool ResetOptimizer { get; init; }

    /// <summary>Write the AdamW state (2x the weights' size) into the output checkpoint so that the next update continues it.</summary>
    public bool SaveOptimizer { get; init; } = true;

    /// <summary>Seed for the order of trajectories.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>CPU threads for libtorch (0 = its default).</summary>
    public int Threads { get; init; }

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";
}
