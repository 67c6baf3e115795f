using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>Scaled dot-product attention over the cache, shared by the families.</summary>
internal static class AttentionOps
{
    /// <summary>
    /// q [B, H, L, Dh], k/v [B, Hkv, L, Dh] of this call -> attention output [B, H, L, Dh].
    /// Appends k/v to the cache first; repeats key/value heads for grouped-query attention.
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, int layer, ForwardContext context)
    {
        if (context.Cache is { } cache)
        {
            (k, v) = cache.Append(layer, k, v);                                 // [B, Hkv, past+L, Dh]
        }
        var groups = q.shape[1] / k.shape[1];
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, dim: 1);                            // [B, H, Lk, Dh]
            v = v.repeat_interleave(groups, dim: 1);
        }
        return nn.functional.scaled_dot_product_attention(q, k, v, context.Mask, is_casual: context.IsCausal); // [B, H, L, Dh]
    }
}
