using TbrmFlow.Abstractions;
using TbrmFlow.Plugins.Rl.Online;

namespace TbrmFlow.Plugins.Rl.Grpo;

/// <summary>Online GRPO (TBRM.md section 5): group advantages, clipped surrogate, k3 KL to the reference.</summary>
[Activity("rl.grpo", Version = 1, Category = "rl", Description = "Online GRPO baseline: n responses per prompt, group-normalised advantages, clipped surrogate + k3 KL.", Deterministic = true)]
public sealed record GrpoRequest : OnlineRequest, IActivity<OnlineResult>
{
    /// <summary>Responses sampled per prompt (the group size n; at least 2 for a baseline).</summary>
    public override int RolloutsPerPrompt { get; init; } = 4;

    /// <summary>Prompts per optimiser update: 16 of the default 64 prompts gives 4 updates per rollout batch, so the ratio moves and clipping acts.</summary>
    public override int MiniBatchSize { get; init; } = 16;

    /// <summary>Ratio clip epsilon.</summary>
    public double Clip { get; init; } = 0.2;

    /// <summary>Weight of the token-mean k3 KL penalty.</summary>
    public double KlCoef { get; init; } = 0.001;
}
