using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>The outcome of an online RL stage.</summary>
public sealed record OnlineResult
{
    /// <summary>The trained policy.</summary>
    public required Checkpoint Checkpoint { get; init; }

    /// <summary>Optimiser steps taken in total (including those before a resume).</summary>
    public required long Steps { get; init; }

    /// <summary>Mean training reward of the last step.</summary>
    public required double FinalRewardMean { get; init; }

    /// <summary>Greedy held-out accuracy at the end, when eval prompts were given.</summary>
    public double? EvalAvgAt1 { get; init; }
}
