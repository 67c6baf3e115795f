using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;

namespace TbrmFlow.Plugins.Rl.Policy;

/// <summary>
/// Runs a causal LM over prompt + response and reads the response positions (TBRM.md, "One forward
/// pass"): hidden [B, P+T, D] -> the T states from position P-1 -> <see cref="TokenLogits"/> (LM head in
/// chunks, float32 log-softmax over the model's logits, chunks recomputed in the backward pass) ->
/// log-probs, V(s) and entropy. [B, T, V] is never materialised whole.
/// </summary>
public static class PolicyScoring
{
    /// <summary>Scores <paramref name="batch"/> under the caller's grad mode.</summary>
    /// <param name="model">The policy or the reference.</param>
    /// <param name="batch">Prompts + responses.</param>
    /// <param name="temperature">The sampling temperature (divides the logits).</param>
    /// <param name="entropy">None, detached (logging only: no [B, T, V] kept for it) or with gradient (a loss uses it).</param>
    /// <param name="chunkElements">Budget of B x chunk x V logits elements per chunk.</param>
    public static PolicyOutputs Score(CausalLM model, TrajectoryBatch batch, double temperature, EntropyMode entropy = EntropyMode.Detached,
        long chunkElements = TokenLogitsOptions.DefaultChunkElements)
    {
        var hidden = model.ForwardHidden(batch.Tokens, batch.Attention);                 // [B, P+T, D]
        var states = hidden.narrow(1, batch.PromptLength - 1, batch.ResponseLength);     // [B, T, D]
        var options = new TokenLogitsOptions { Temperature = temperature, Entropy = entropy, ChunkElements = chunkElements };
        var stats = TokenLogits.Compute(model.LmHead, states, batch.ResponseTokens, model.VocabSize, options); // [B, T] each
        return new PolicyOutputs(stats.LogProbs * batch.Mask, stats.Lse, stats.Entropy);
    }
}
