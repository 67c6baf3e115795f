using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Evaluate;

/// <summary>Greedy held-out accuracy of a checkpoint, with the same reward functions training uses.</summary>
[Activity("rl.evaluate", Version = 1, Category = "eval", Description = "Greedy accuracy (eval/avg@1) of a checkpoint on a PromptSet; the RL plugin's own small evaluation.", Deterministic = true)]
public sealed record GreedyEvalRequest : IActivity<GreedyEvalResult>
{
    /// <summary>The model to evaluate.</summary>
    public required Checkpoint Checkpoint { get; init; }

    /// <summary>The held-out problems.</summary>
    public required PromptSet Problems { get; init; }

    /// <summary>Reward function deciding correctness (exact, math, ...).</summary>
    public string Reward { get; init; } = "exact";

    /// <summary>Maximum response tokens.</summary>
    public int MaxNewTokens { get; init; } = 8;

    /// <summary>Use only the first this many problems (0 = all).</summary>
    public int Limit { get; init; }

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>CPU threads for libtorch (0 = its default); 1 is fastest for toy models on a busy machine.</summary>
    public int Threads { get; init; }
}
