using TbrmFlow.Abstractions;
using TbrmFlow.Plugins.Rl.Online;

namespace TbrmFlow.Plugins.Rl.Ppo;

/// <summary>Online PPO (TBRM.md section 5): critic on its own backbone copy, GAE, whitening, clipped losses.</summary>
[Activity("rl.ppo", Version = 1, Category = "rl", Description = "Online PPO baseline: separate value model, KL-in-reward, GAE, whitened advantages, clipped policy and value losses.", Deterministic = true)]
public sealed record PpoRequest : OnlineRequest, IActivity<OnlineResult>
{
    /// <summary>Prompts per optimiser update: 16 of the default 64 prompts gives 4 updates per rollout batch, so the ratio moves and clipping acts.</summary>
    public override int MiniBatchSize { get; init; } = 16;

    /// <summary>Ratio clip epsilon.</summary>
    public double Clip { get; init; } = 0.2;

    /// <summary>Per-token KL penalty kl_coef * (log pi_old - log pi_ref) subtracted from the reward.</summary>
    public double KlCoef { get; init; } = 0.001;

    /// <summary>Entropy bonus weight.</summary>
    public double EntropyCoef { get; init; } = 0.001;

    /// <summary>Value clip range around the old values.</summary>
    public double ValueClip { get; init; } = 0.5;

    /// <summary>Critic AdamW learning rate.</summary>
    public double CriticLearningRate { get; init; } = 1e-3;

    /// <summary>GAE discount gamma.</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>GAE lambda.</summary>
    public double Lambda { get; init; } = 1.0;
}
