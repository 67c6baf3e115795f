namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>PPO's constants (TBRM.md section 5 defaults).</summary>
public sealed record PpoSettings
{
    /// <summary>Ratio clip epsilon.</summary>
    public double Clip { get; init; } = 0.2;

    /// <summary>Per-token KL penalty in the reward.</summary>
    public double KlCoef { get; init; } = 0.001;

    /// <summary>Entropy bonus weight.</summary>
    public double EntropyCoef { get; init; } = 0.001;

    /// <summary>Value clip range.</summary>
    public double ValueClip { get; init; } = 0.5;

    /// <summary>Critic AdamW learning rate.</summary>
    public double CriticLearningRate { get; init; } = 1e-3;

    /// <summary>GAE discount.</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>GAE lambda.</summary>
    public double Lambda { get; init; } = 1.0;

    /// <summary>Critic gradient-norm clip (0 = off).</summary>
    public double GradClip { get; init; } = 1.0;
}
