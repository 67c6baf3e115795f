namespace TbrmFlow.Torch.Generation;

/// <summary>Why a response ended.</summary>
public enum FinishReason
{
    /// <summary>It sampled EOS (which is part of the response and of its mask).</summary>
    Eos,

    /// <summary>It reached max_new_tokens without EOS.</summary>
    Length,
}
