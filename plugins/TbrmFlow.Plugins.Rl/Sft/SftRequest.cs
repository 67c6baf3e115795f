using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Sft;

/// <summary>Supervised warm start: next-token cross-entropy on question -> answer (or worked solution) + EOS.</summary>
[Activity("rl.sft", Version = 1, Category = "rl", Description = "Supervised warm start of a policy on a PromptSet (AdamW, warm-up + cosine/constant schedule, grad clipping, resumable).", Deterministic = true)]
public sealed record SftRequest : IActivity<SftResult>
{
    /// <summary>Training problems; the target is the solution when present, else the answer.</summary>
    public required PromptSet Train { get; init; }

    /// <summary>Continue from this checkpoint; when absent a fresh model of <c>preset</c> is built with a character tokenizer.</summary>
    public Checkpoint? Init { get; init; }

    /// <summary>Model preset for a fresh model: toy (~0.1M parameters), tiny, small (see docs/models.md).</summary>
    public string Preset { get; init; } = "toy";

    /// <summary>Longest prompt + response a fresh model accepts (its position table).</summary>
    public int MaxPositions { get; init; } = 32;

    /// <summary>Optimiser steps.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Learning-rate schedule after warm-up: constant or cosine.</summary>
    public string Schedule { get; init; } = "cosine";

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>Global gradient-norm clip (0 = off).</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Probability that an example's target is replaced by the noise rule's mistake (0 = clean).</summary>
    public double LabelNoise { get; init; }

    /// <summary>The mistake used for noisy targets: no_carry (a+b problems) or off_by_one (integer answers).</summary>
    public string NoiseRule { get; init; } = "no_carry";

    /// <summary>Save resumable state every this many steps (0 = never).</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Seed for the initial weights, the data order and the noise.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Log metrics every this many steps.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>CPU threads for libtorch (0 = its default); 1 is fastest for toy models on a busy machine.</summary>
    public int Threads { get; init; }
}
