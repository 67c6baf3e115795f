using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Rollouts;

/// <summary>Samples responses from a checkpoint, scores them and stores a RolloutBatch (for off-policy pipelines).</summary>
[Activity("rollout.generate", Version = 1, Category = "rl", Description = "Samples n responses per prompt from a checkpoint, scores them and writes a RolloutBatch (JSONL).", Deterministic = true)]
public sealed record GenerateRequest : IActivity<GenerateResult>
{
    /// <summary>The sampling policy.</summary>
    public required Checkpoint Checkpoint { get; init; }

    /// <summary>Prompts to sample from.</summary>
    public required PromptSet Prompts { get; init; }

    /// <summary>Prompts to take (0 = all), in a seeded order starting at <c>offset</c>.</summary>
    public int NumPrompts { get; init; }

    /// <summary>Position in the seeded prompt order to start from (e.g. iteration * num_prompts).</summary>
    public long Offset { get; init; }

    /// <summary>Responses per prompt (n).</summary>
    public int RolloutsPerPrompt { get; init; } = 1;

    /// <summary>Sampling temperature (TBRM must train at the same temperature).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Maximum response tokens (EOS included).</summary>
    public int MaxNewTokens { get; init; } = 8;

    /// <summary>Reward function (exact, math, ...).</summary>
    public string Reward { get; init; } = "exact";

    /// <summary>Prompts per generation call.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Seed for the prompt order and the sampling.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>CPU threads for libtorch (0 = its default).</summary>
    public int Threads { get; init; }

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";
}
