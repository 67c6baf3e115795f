using static TorchSharp.torch;

namespace TbrmFlow.Torch.Generation;

/// <summary>Pure filters on next-token scores [N, V]: filtered entries become -inf.</summary>
public static class SamplingFilters
{
    /// <summary>Keeps the k largest scores per row (ties at the k-th value are kept). scores [N, V] -> [N, V].</summary>
    public static Tensor TopK(Tensor scores, int k)
    {
        if (k <= 0 || k >= scores.shape[^1])
        {
            return scores.alias();
        }
        var kth = scores.topk(k, dim: -1).values.narrow(-1, k - 1, 1);                    // [N, 1]
        return scores.masked_fill(scores.lt(kth), double.NegativeInfinity);              // [N, V]
    }

    /// <summary>
    /// Nucleus filter: keeps, per row, the most likely tokens until their probability (softmax of
    /// the scores) reaches p; the most likely token is always kept. scores [N, V] -> [N, V].
    /// </summary>
    public static Tensor TopP(Tensor scores, double p)
    {
        if (p >= 1.0)
        {
            return scores.alias();
        }
        var (sorted, order) = scores.sort(dim: -1, descending: true);                    // [N, V] each
        var cumulative = sorted.softmax(-1).cumsum(-1);                                   // [N, V]
        // Remove a token when the mass before it already reaches p.
        var removeSorted = (cumulative - sorted.softmax(-1)).ge(p);                       // [N, V]
        var remove = zeros_like(removeSorted).scatter(-1, order, removeSorted);          // [N, V] back in vocabulary order
        return scores.masked_fill(remove, double.NegativeInfinity);
    }
}
