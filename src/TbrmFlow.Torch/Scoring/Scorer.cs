using TbrmFlow.Torch.Models;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Scoring;

/// <summary>
/// Per-token log-probabilities of given responses. The LM head is applied to chunks of the
/// response positions, so at most one [B, chunk, V] float logits tensor exists at a time without
/// grad (with grad, autograd keeps one chunk per step, i.e. one [B, T, V] in total).
/// </summary>
public static class Scorer
{
    /// <summary>Default budget of logits elements per chunk (B x chunk x V): 16 M floats = 64 MB.</summary>
    public const long DefaultChunkElements = 16L << 20;

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
        var b = batch.BatchSize;
        var t = batch.ResponseLength;
        var chunk = Math.Max(1, Math.Min(t, chunkElements / Math.Max(1, b * model.VocabSize)));
        using var scope = NewDisposeScope();
        var hidden = model.ForwardHidden(batch.Tokens, batch.AttentionMask);              // [B, P+T, D]
        var h = hidden.narrow(1, batch.PromptLength - 1, t);                             // [B, T, D]
        var parts = new List<Tensor>();
        Tensor? valueS1 = null;
        for (long start = 0; start < t; start += chunk)
        {
            var len = Math.Min(chunk, t - start);
            var z = model.LmHead(h.narrow(1, start, len));                               // [B, c, V]
            if (temperature != 1.0)
            {
                z = z / temperature;
            }
            var lse = z.logsumexp(-1);                                                   // [B, c]
            var tok = z.gather(-1, batch.Responses.narrow(1, start, len).unsqueeze(-1)).squeeze(-1); // [B, c]
            parts.Add(tok - lse);
            valueS1 ??= lse.select(1, 0);                                                // [B]
        }
        var lp = (parts.Count == 1 ? parts[0] : cat(parts, 1)) * batch.ResponseMask;     // [B, T]
        return new PolicyScores(lp.MoveToOuterDisposeScope(), valueS1!.MoveToOuterDisposeScope());
    }
}
