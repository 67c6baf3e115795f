namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>Metric names, the same for every algorithm (issue 6), logged every step.</summary>
public static class MetricNames
{
    /// <summary>Mean reward of the step's rollouts.</summary>
    public const string RewardMean = "train/reward_mean";
    /// <summary>Share of the step's rollouts with reward above zero (correct).</summary>
    public const string Accuracy = "train/accuracy";
    /// <summary>The algorithm's loss.</summary>
    public const string Loss = "train/loss";
    /// <summary>Token-mean k3 KL estimate of the sampling policy against the reference, on the rollouts.</summary>
    public const string Kl = "train/kl";
    /// <summary>Token-mean entropy of the policy on the rollouts.</summary>
    public const string Entropy = "train/entropy";
    /// <summary>Mean response length in tokens.</summary>
    public const string ResponseLength = "train/response_length";
    /// <summary>Global gradient norm before clipping.</summary>
    public const string GradNorm = "train/grad_norm";
    /// <summary>PPO/GRPO: share of tokens whose ratio was clipped; TBRM: 1 when gradient-norm clipping was active.</summary>
    public const string ClipFrac = "train/clip_frac";
    /// <summary>Response tokens sampled per second of step time.</summary>
    public const string TokensPerSecond = "perf/tokens_per_s";
    /// <summary>Wall time of the step.</summary>
    public const string StepSeconds = "perf/step_s";
    /// <summary>Peak resident memory of the process so far.</summary>
    public const string PeakRssMb = "perf/peak_rss_mb";
    /// <summary>Held-out greedy accuracy (avg@1), at eval steps.</summary>
    public const string EvalAvgAt1 = "eval/avg@1";
}
