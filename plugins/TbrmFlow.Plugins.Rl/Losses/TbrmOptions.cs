namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>Constants of the TBRM objective (TBRM.md section 3).</summary>
public sealed record TbrmOptions
{
    /// <summary>KL coefficient beta; the regression target is reward_scale * r / beta.</summary>
    public double Beta { get; init; } = 0.05;

    /// <summary>Multiplies the reward before dividing by beta.</summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>Subtract V_ref(s_1) inside the residual so that theta = theta_ref with r = 0 gives zero loss (ReVal). Off in the paper.</summary>
    public bool CalibrateV { get; init; }
}
