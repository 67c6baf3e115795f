using TbrmFlow.Abstractions;
using TbrmFlow.Plugins.Rl.Online;

namespace TbrmFlow.Plugins.Rl.Tbrm;

/// <summary>Online TBRM (TBRM.md): squared trajectory Bellman residual, one optimiser step per iteration.</summary>
[Activity("rl.tbrm", Version = 1, Category = "rl", Description = "Online TBRM: sample, reward, reference log-probs, one step on the squared trajectory Bellman residual per iteration.", Deterministic = true)]
public sealed record TbrmRequest : OnlineRequest, IActivity<OnlineResult>
{
    /// <summary>KL coefficient beta; the regression target is reward_scale * r / beta. The initial V(s1) sets the scale: see docs/tbrm.md.</summary>
    public double Beta { get; init; } = 0.05;

    /// <summary>Loss variant: tbrm (trajectory residual, default) or token_brm (per-token ablation).</summary>
    public string Variant { get; init; } = "tbrm";

    /// <summary>Subtract V_ref(s1) in the residual (ReVal), so that the loss is zero at the reference with r = 0.</summary>
    public bool CalibrateV { get; init; }

    /// <summary>Multiplies the reward before dividing by beta.</summary>
    public double RewardScale { get; init; } = 1.0;
}
