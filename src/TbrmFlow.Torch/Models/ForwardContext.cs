using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>What every layer needs besides its input: positions, the attention mask and the cache.</summary>
/// <param name="Positions">long [B, L]: position of each input token (left padding does not count).</param>
/// <param name="Mask">bool [B, 1, L, past+L] (true = may attend), or null when <paramref name="IsCausal"/> or no masking is needed.</param>
/// <param name="IsCausal">Use the fused causal path (no past, no padding).</param>
/// <param name="Cache">Keys/values of the past, or null for a full forward.</param>
internal sealed record ForwardContext(Tensor Positions, Tensor? Mask, bool IsCausal, KvCache? Cache)
{
    /// <summary>
    /// Builds the context. <paramref name="attentionMask"/> is long/bool [B, past+L] with 1 for real
    /// tokens (covering the cached past too); null means no padding anywhere.
    /// </summary>
    public static ForwardContext Create(Tensor tokens, Tensor? attentionMask, KvCache? cache)
    {
        var b = tokens.shape[0];
        var l = tokens.shape[1];
        var past = cache?.Length ?? 0;
        if (attentionMask is null)
        {
            var positions = arange(past, past + l, int64, tokens.device).unsqueeze(0).expand(b, l); // [B, L]
            return new ForwardContext(positions, null, l > 1 && past == 0, cache);
        }
        if (attentionMask.shape[1] != past + l)
        {
            throw new ArgumentException($"attention mask has {attentionMask.shape[1]} columns, expected past + L = {past} + {l}");
        }
        var keyMask = attentionMask.to(int64);                                       // [B, Lk]
        var allPositions = (keyMask.cumsum(1) - 1).clamp_min(0);                     // [B, Lk]
        var pos = allPositions.narrow(1, past, l);                                   // [B, L]
        var keyIndex = arange(past + l, int64, tokens.device).unsqueeze(0);          // [1, Lk]
        var queryIndex = arange(past, past + l, int64, tokens.device).unsqueeze(1);  // [L, 1]
        var causal = keyIndex.le(queryIndex);                                        // [L, Lk]
        var self = keyIndex.eq(queryIndex);                                          // [L, Lk]
        // A query may see real keys at or before it, and always itself, so that a padding row is
        // never fully masked (its output is ignored, but must not be NaN).
        var mask = causal.unsqueeze(0).logical_and(keyMask.gt(0).unsqueeze(1))       // [B, L, Lk]
            .logical_or(self.unsqueeze(0))
            .unsqueeze(1);                                                           // [B, 1, L, Lk]
        return new ForwardContext(pos, mask, false, cache);
    }
}
