using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Models;

namespace TbrmFlow.Plugins.Rl.Policy;

/// <summary>
/// Runs a causal LM over prompt + response and reads the response positions (TBRM.md, "One forward
/// pass"): hidden [B, P+T, D] -> the T states from position P-1 -> LM head [B, T, V] -> log-probs,
/// V(s) and entropy. Only the response positions go through the LM head.
/// </summary>
public static class PolicyScoring
{
    /// <summary>Scores <paramref name="batch"/> under the caller's grad mode; entropy is null unless asked for.</summary>
    public static PolicyOutputs Score(CausalLM model, TrajectoryBatch batch, double temperature, bool withEntropy = true)
    {
        var hidden = model.ForwardHidden(batch.Tokens, batch.Attention);                 // [B, P+T, D]
        var states = hidden.narrow(1, batch.PromptLength - 1, batch.ResponseLength);     // [B, T, D]
        var logits = model.LmHead(states);                                               // [B, T, V]
        var (logProbs, lse) = TokenScores.LogProbsAndLse(logits, batch.ResponseTokens, temperature); // [B, T] each
        var entropy = withEntropy ? TokenScores.Entropy(logits, temperature) : null;     // [B, T]
        return new PolicyOutputs(logProbs * batch.Mask, lse, entropy);
    }
}
