using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Sft;

/// <summary>The trained policy.</summary>
public sealed record SftResult
{
    /// <summary>The final model (Hugging Face layout).</summary>
    public required Checkpoint Checkpoint { get; init; }

    /// <summary>Optimiser steps taken in total (including those before a resume).</summary>
    public required long Steps { get; init; }

    /// <summary>Cross-entropy (token mean) of the last logged step.</summary>
    public required double FinalLoss { get; init; }
}
