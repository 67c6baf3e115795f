using TbrmFlow.Torch.Models;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Scoring;

/// <summary>
/// Per-token log-probabilities of given responses through <see cref="TokenLogits"/>: the LM head is
/// applied to chunks of the response positions in float32, so at most one [B, chunk, V] float
/// logits tensor exists at a time, with or without grad (the backward pass recomputes each chunk).
/// </summary>
public static class Scorer
{
    /// <summary>Default budget of logits elements per chunk (B x chunk x V): 16 M floats = 64 MB.</summary>
    public const long DefaultChunkElements = TokenLogitsOptions.DefaultChunkElements;

    /// <summary>
    /// log pi(response_t | prompt, response_&lt;t) -> float [B, T], 0 where the response mask is 0.
    /// Runs under the caller's grad mode (wrap in <c>no_grad()</c> for reference scores).
    /// </summary>
    public static Tensor TokenLogProbs(CausalLM model, SequenceBatch batch, double temperature = 1.0, long chunkElements = DefaultChunkElements)
    {
        using var scores = Score(model, batch, temperature, chunkElements);
        return scores.TokenLogProbs.alias();
    }

    /// <summary>Token log-probs [B, T] and V(s_1) [B] in one forward pass (TBRM.md).</summary>
    /// <param name="model">The policy.</param>
    /// <param name="batch">Prompts + responses.</param>
    /// <param name="temperature">The rollout temperature; logits are divided by it (must be &gt; 0).</param>
    /// <param name="chunkElements">Budget of B x chunk x V logits elements per chunk.</param>
    public static PolicyScores Score(CausalLM model, SequenceBatch batch, double temperature = 1.0, long chunkElements = DefaultChunkElements)
    {
        if (temperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be > 0 for scoring");
        }
        if (batch.PromptLength < 1)
        {
            throw new ArgumentException("prompts must have at least one token (position P-1 predicts the first response token)", nameof(batch));
        }
        using var scope = NewDisposeScope();
        var hidden = model.ForwardHidden(batch.Tokens, batch.AttentionMask);              // [B, P+T, D]
        var states = hidden.narrow(1, batch.PromptLength - 1, batch.ResponseLength);     // [B, T, D]
        var options = new TokenLogitsOptions { Temperature = temperature, ChunkElements = chunkElements };
        var stats = TokenLogits.Compute(model.LmHead, states, batch.Responses, model.VocabSize, options); // [B, T] each, float32
        var lp = stats.LogProbs * batch.ResponseMask;                                    // [B, T]
        var valueS1 = stats.Lse.select(1, 0);                                            // [B]
        return new PolicyScores(lp.MoveToOuterDisposeScope(), valueS1.MoveToOuterDisposeScope());
    }
}
