using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>
/// Inputs every online algorithm shares (rl.tbrm, rl.grpo, rl.ppo): one loop of sample prompts ->
/// rollout -> reward -> reference log-probs -> one optimiser step per iteration.
/// </summary>
public abstract record OnlineRequest
{
    /// <summary>The starting policy; also the frozen reference unless <c>reference</c> is given.</summary>
    public required Checkpoint Policy { get; init; }

    /// <summary>The frozen reference model for the KL terms (default: the starting policy).</summary>
    public Checkpoint? Reference { get; init; }

    /// <summary>Training prompts.</summary>
    public required PromptSet Prompts { get; init; }

    /// <summary>Held-out prompts for greedy accuracy (eval/avg@1) every <c>eval_every</c> steps and at the end.</summary>
    public PromptSet? EvalPrompts { get; init; }

    /// <summary>Use only the first this many eval prompts (0 = all).</summary>
    public int EvalSize { get; init; }

    /// <summary>Evaluate every this many steps (0 = only at the end).</summary>
    public int EvalEvery { get; init; }

    /// <summary>Reward function (exact, math, ...; see Plugins.Eval).</summary>
    public string Reward { get; init; } = "exact";

    /// <summary>Map rewards r in {0, 1} to 2r - 1 (+1/-1) for training.</summary>
    public bool SignedReward { get; init; }

    /// <summary>Optimiser steps (iterations).</summary>
    public int Steps { get; init; } = 200;

    /// <summary>Prompts sampled per step.</summary>
    public int PromptsPerStep { get; init; } = 64;

    /// <summary>Responses sampled per prompt (n).</summary>
    public virtual int RolloutsPerPrompt { get; init; } = 1;

    /// <summary>Trajectories per forward/backward pass; gradients accumulate over the step (0 = whole batch).</summary>
    public int MicroBatchSize { get; init; }

    /// <summary>
    /// Prompts per optimiser update (verl's ppo_mini_batch_size, counted in prompts; each brings its n responses):
    /// a step's rollouts give prompts_per_step / mini_batch_size updates per epoch; must divide prompts_per_step.
    /// 0 = the whole batch (one update). Default 0 for rl.tbrm (the paper's one step per batch), 16 for rl.grpo and rl.ppo.
    /// </summary>
    public virtual int MiniBatchSize { get; init; }

    /// <summary>Passes over a step's rollouts (verl's ppo_epochs, TRL's num_iterations); default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Policy AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Learning-rate schedule after warm-up: constant or cosine.</summary>
    public string Schedule { get; init; } = "constant";

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Global gradient-norm clip (0 = off).</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Sampling temperature; it also scales the logits in the losses.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Maximum response tokens (EOS included).</summary>
    public int MaxNewTokens { get; init; } = 8;

    /// <summary>Save resumable state every this many steps (0 = never).</summary>
    public int CheckpointEvery { get; init; } = 50;

    /// <summary>Log metrics every this many steps (each logged step reads its metrics once).</summary>
    public int LogEvery { get; init; } = 1;

    /// <summary>Seed for the data order and the sampling of every step.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>CPU threads for libtorch (0 = its default); 1 is fastest for toy models on a busy machine.</summary>
    public int Threads { get; init; }
}
