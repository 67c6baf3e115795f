using static TorchSharp.torch;

namespace TbrmFlow.Torch.Scoring;

/// <summary>What TBRM needs from one forward pass (TBRM.md "One forward pass").</summary>
/// <param name="TokenLogProbs">float [B, T]: log pi(a_t|s_t) under logits / temperature; 0 where the response mask is 0. Carries grad when grad is enabled.</param>
/// <param name="ValueS1">float [B]: V(s_1) = logsumexp of (logits / temperature) at position P-1 (the one predicting response token 0).</param>
public sealed record PolicyScores(Tensor TokenLogProbs, Tensor ValueS1) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        TokenLogProbs.Dispose();
        ValueS1.Dispose();
    }
}
