namespace TbrmFlow.Torch.Generation;

/// <summary>How to sample responses.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens generated per response (EOS included).</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Samples per prompt; results are grouped by prompt (rows p*n .. p*n+n-1).</summary>
    public int NumSamples { get; init; } = 1;

    /// <summary>Softmax temperature (&gt; 0). Log-probs are always log_softmax(logits / temperature), before top-k/top-p.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Keep only the k most likely tokens when sampling; 0 = off.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches p; 1 = off.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Pick the most likely token instead of sampling (evaluation).</summary>
    public bool Greedy { get; init; }

    /// <summary>Seed of the sampling generator; the same seed, model and prompts give the same tokens on CPU. Null = random.</summary>
    public long? Seed { get; init; }

    /// <summary>How often (in steps) the loop reads "all finished" from the device; reading it is a host sync.</summary>
    public int StopCheckInterval { get; init; } = 4;

    /// <summary>Checks ranges; throws naming the field and what is allowed.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 1)
        {
            throw new ArgumentException($"max_new_tokens must be >= 1, got {MaxNewTokens}");
        }
        if (NumSamples < 1)
        {
            throw new ArgumentException($"num_samples must be >= 1, got {NumSamples}");
        }
        if (!(Temperature > 0))
        {
            throw new ArgumentException($"temperature must be > 0, got {Temperature} (use greedy for argmax decoding)");
        }
        if (TopK < 0)
        {
            throw new ArgumentException($"top_k must be >= 0 (0 = off), got {TopK}");
        }
        if (!(TopP > 0 && TopP <= 1))
        {
            throw new ArgumentException($"top_p must be in (0, 1], got {TopP}");
        }
        if (StopCheckInterval < 1)
        {
            throw new ArgumentException($"stop_check_interval must be >= 1, got {StopCheckInterval}");
        }
    }
}
