namespace TbrmFlow.Plugins.Rl.Rollouts;

/// <summary>
/// One line of a RolloutBatch's <c>rollouts.jsonl</c>: one sampled response to one prompt.
/// Token ids are the checkpoint tokenizer's; <see cref="LogProbs"/> has one entry per response token.
/// </summary>
public sealed record RolloutRecord
{
    /// <summary>The problem's id in its PromptSet.</summary>
    public required string PromptId { get; init; }

    /// <summary>Prompt token ids (no padding).</summary>
    public required int[] PromptTokens { get; init; }

    /// <summary>Response token ids, including EOS when the response ended with it (no padding).</summary>
    public required int[] ResponseTokens { get; init; }

    /// <summary>log pi_sample(token | prefix) of each response token at the sampling temperature.</summary>
    public required float[] LogProbs { get; init; }

    /// <summary>The outcome reward of the response.</summary>
    public required double Reward { get; init; }

    /// <summary><c>eos</c> (the model ended the response) or <c>length</c> (cut at the token limit).</summary>
    public required string FinishReason { get; init; }

    /// <summary>Id of the sampling checkpoint (its artifact hash, or its path when it has none).</summary>
    public required string CheckpointId { get; init; }

    /// <summary>The sampling settings.</summary>
    public required SamplingSettings Sampling { get; init; }

    /// <summary>The decoded response, for people reading the file.</summary>
    public string? ResponseText { get; init; }

    /// <summary>The reference answer the reward was computed against.</summary>
    public string? Answer { get; init; }
}

/// <summary>How a response was sampled.</summary>
public sealed record SamplingSettings
{
    /// <summary>Softmax temperature (the temperature that defines Q for TBRM).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Maximum response tokens.</summary>
    public int MaxNewTokens { get; init; }

    /// <summary>Seed of the sampling generator.</summary>
    public long Seed { get; init; }

    /// <summary>Index of this sample among the prompt's samples (0..n-1).</summary>
    public int SampleIndex { get; init; }
}
