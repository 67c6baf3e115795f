using static TorchSharp.torch;

namespace TbrmFlow.Torch.Scoring;

/// <summary>
/// Prompts left-padded to P and responses right-padded to T, joined into one token matrix: the
/// input of a scoring or training forward pass. Build it with <see cref="Batching"/>.
/// </summary>
/// <param name="Tokens">long [B, P+T].</param>
/// <param name="AttentionMask">long [B, P+T]: 1 for real prompt tokens and response tokens up to and including EOS.</param>
/// <param name="PromptLength">P: position P-1 predicts response token 0.</param>
/// <param name="Responses">long [B, T]: the response tokens (PAD after the end).</param>
/// <param name="ResponseMask">float32 [B, T]: 1 up to and including EOS, 0 after.</param>
public sealed record SequenceBatch(Tensor Tokens, Tensor AttentionMask, int PromptLength, Tensor Responses, Tensor ResponseMask) : IDisposable
{
    /// <summary>B.</summary>
    public long BatchSize => Tokens.shape[0];

    /// <summary>T.</summary>
    public long ResponseLength => Responses.shape[1];

    /// <summary>Moves all tensors to the enclosing dispose scope (call from inside a step scope to keep the batch).</summary>
    public SequenceBatch MoveToOuterDisposeScope()
    {
        Tokens.MoveToOuterDisposeScope();
        AttentionMask.MoveToOuterDisposeScope();
        Responses.MoveToOuterDisposeScope();
        ResponseMask.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Tokens.Dispose();
        AttentionMask.Dispose();
        Responses.Dispose();
        ResponseMask.Dispose();
    }
}
