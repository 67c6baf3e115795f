using static TorchSharp.torch;

namespace TbrmFlow.Torch.Scoring;

/// <summary>How <see cref="TokenLogits"/> computes the entropy of pi(.|s_t).</summary>
public enum EntropyMode
{
    /// <summary>Not computed.</summary>
    None,

    /// <summary>Computed without gradient (for logging): no extra [B, T, V] tensors are kept for the backward pass.</summary>
    Detached,

    /// <summary>Computed with gradient (a loss uses it, e.g. PPO's entropy bonus).</summary>
    WithGradient,
}

/// <summary>Options of <see cref="TokenLogits.Compute"/>.</summary>
public sealed record TokenLogitsOptions
{
    /// <summary>Default budget of logits elements per chunk (B x chunk x V): 16 M = 64 MB in float32.</summary>
    public const long DefaultChunkElements = 16L << 20;

    /// <summary>The rollout temperature; logits are divided by it (must be &gt; 0).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Budget of B x chunk x V logits elements per chunk; <see cref="long.MaxValue"/> = one chunk.</summary>
    public long ChunkElements { get; init; } = DefaultChunkElements;

    /// <summary>
    /// The dtype of the log-softmax/logsumexp; null = float32, or float64 when the logits are float64.
    /// bf16/fp16 logits are upcast chunk by chunk before any reduction.
    /// </summary>
    public ScalarType? ScoreType { get; init; }

    /// <summary>Entropy: none, for logging only, or with gradient.</summary>
    public EntropyMode Entropy { get; init; } = EntropyMode.None;

    /// <summary>
    /// With gradient: true (default) keeps nothing of a chunk's logits for the backward pass and recomputes the
    /// chunk's LM head there (one extra LM-head matmul per chunk, at most one [B, chunk, V] logits tensor alive);
    /// false keeps each chunk's autograd graph, i.e. the whole [B, T, V] logits (and its float copy) until backward.
    /// </summary>
    public bool Recompute { get; init; } = true;
}

/// <summary>Per-token results of <see cref="TokenLogits.Compute"/> at the response positions.</summary>
/// <param name="LogProbs">[B, T] log pi(a_t|s_t) = z(s_t, a_t) - V(s_t), z = logits / temperature; with gradient when grad is enabled.</param>
/// <param name="Lse">[B, T] V(s_t) = logsumexp over the whole vocabulary of z (TBRM.md section 2); with gradient.</param>
/// <param name="Entropy">[B, T] entropy of softmax(z); null for <see cref="EntropyMode.None"/>, detached for <see cref="EntropyMode.Detached"/>.</param>
public sealed record TokenStats(Tensor LogProbs, Tensor Lse, Tensor? Entropy);

/// <summary>
/// The one place that turns hidden states into per-token log-probs, V(s) and entropy (training and scoring):
/// the LM head is applied to chunks of positions, each chunk's logits are upcast to the score dtype (float32
/// over bf16 logits) before the logsumexp, and with <see cref="TokenLogitsOptions.Recompute"/> the backward
/// pass recomputes a chunk instead of keeping its [B, chunk, V] tensors, so [B, T, V] is never materialised.
/// </summary>
public static class TokenLogits
{
    /// <summary>Runs the LM head over <paramref name="states"/> chunk by chunk under the caller's grad mode.</summary>
    /// <param name="lmHead">hidden [B, c, H] -> logits [B, c, V] (the model's dtype).</param>
    /// <param name="states">[B, T, H] hidden states; position t predicts <paramref name="tokens"/>[:, t].</param>
    /// <param name="tokens">long [B, T] the taken tokens.</param>
    /// <param name="vocabSize">V, to size the chunks.</param>
    /// <param name="options">Temperature, chunk budget, score dtype, entropy mode, recompute.</param>
    public static TokenStats Compute(Func<Tensor, Tensor> lmHead, Tensor states, Tensor tokens, long vocabSize, TokenLogitsOptions options)
    {
        if (options.Temperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Temperature, "temperature must be > 0 for scoring");
        }
        var b = states.shape[0];
        var t = states.shape[1];
        var chunk = Math.Max(1, Math.Min(t, options.ChunkElements / Math.Max(1, b * vocabSize)));
        var recompute = options.Recompute && is_grad_enabled() && states.requires_grad;
        var parts = new List<Tensor>();
        using (var scope = NewDisposeScope())
        {
            for (long start = 0; start < t; start += chunk)
            {
                var len = Math.Min(chunk, t - start);
                var h = states.narrow(1, start, len);                                    // [B, c, H]
                var tok = tokens.narrow(1, start, len);                                  // [B, c]
                var part = recompute
                    ? RecomputedChunk.Run(lmHead, h, tok, options)
                    : Stats(lmHead(h), tok, options.Temperature, options.ScoreType, options.Entropy, options.Entropy == EntropyMode.WithGradient);
                parts.Add(part.MoveToOuterDisposeScope());                               // [B, c, K]
            }
        }
        var all = parts.Count == 1 ? parts[0] : cat(parts, 1);                           // [B, T, K]
        var logProbs = all.select(-1, 0);                                                // [B, T]
        var lse = all.select(-1, 1);                                                     // [B, T]
        Tensor? entropy = options.Entropy switch
        {
            EntropyMode.None => null,
            EntropyMode.Detached => all.select(-1, 2).detach(),
            _ => all.select(-1, 2),
        };
        return new TokenStats(logProbs, lse, entropy);
    }

    /// <summary>
    /// The per-chunk math, a pure function: logits [B, c, V] (any float dtype) and tokens long [B, c] -> [B, c, K]
    /// in the score dtype, K = 2 (log-prob, logsumexp) or 3 (+ entropy). With <paramref name="entropyGradient"/>
    /// false the entropy column is computed without gradient.
    /// </summary>
    public static Tensor Stats(Tensor logits, Tensor tokens, double temperature, ScalarType? scoreType, EntropyMode entropy, bool entropyGradient)
    {
        var type = scoreType ?? (logits.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32);
        using var scope = NewDisposeScope();
        var z = logits.to(type);                                                         // [B, c, V]
        if (temperature != 1.0)
        {
            z = z / temperature;
        }
        var lse = z.logsumexp(-1);                                                       // [B, c]
        var taken = z.gather(-1, tokens.unsqueeze(-1)).squeeze(-1);                      // [B, c]
        var columns = new List<Tensor> { taken - lse, lse };
        if (entropy != EntropyMode.None)
        {
            using var grad = entropyGradient ? null : no_grad();
            var logp = z - lse.unsqueeze(-1);                                            // [B, c, V]
            columns.Add(-(logp.exp() * logp).sum(-1));                                   // [B, c]
        }
        return stack(columns, -1).MoveToOuterDisposeScope();                             // [B, c, K]
    }

    /// <summary>One chunk whose backward pass recomputes the LM head (reentrant, like <c>torch.utils.checkpoint</c>).</summary>
    private sealed class RecomputedChunk : autograd.SingleTensorFunction<RecomputedChunk>
    {
        private const string HeadKey = "head";
        private const string OptionsKey = "options";

        public override string Name => "TbrmFlowTokenLogitsChunk";

        /// <summary>h [B, c, H], tokens [B, c] -> [B, c, K] without keeping the chunk's logits.</summary>
        public static Tensor Run(Func<Tensor, Tensor> lmHead, Tensor h, Tensor tokens, TokenLogitsOptions options) =>
            apply(h, tokens, lmHead, options);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var h = (Tensor)vars[0];
            var tokens = (Tensor)vars[1];
            var head = (Func<Tensor, Tensor>)vars[2];
            var options = (TokenLogitsOptions)vars[3];
            ctx.save_for_backward([h, tokens]);
            ctx.save_data(HeadKey, head);
            ctx.save_data(OptionsKey, options);
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            return Stats(head(h), tokens, options.Temperature, options.ScoreType, options.Entropy, entropyGradient: false).MoveToOuterDisposeScope();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var saved = ctx.get_saved_variables();
            var head = (Func<Tensor, Tensor>)ctx.get_data(HeadKey);
            var options = (TokenLogitsOptions)ctx.get_data(OptionsKey);
            Tensor hGrad;
            using (enable_grad())
            using (var scope = NewDisposeScope())
            {
                var h = saved[0].detach().requires_grad_(true);
                var withEntropy = options.Entropy == EntropyMode.WithGradient;
                // Only the columns that can carry gradient are rebuilt with a graph.
                var y = Stats(head(h), saved[1], options.Temperature, options.ScoreType, withEntropy ? EntropyMode.WithGradient : EntropyMode.None, withEntropy);
                var g = withEntropy ? gradOutput : gradOutput.narrow(-1, 0, 2);
                y.backward([g.contiguous()]);
                hGrad = h.grad!.MoveToOuterDisposeScope();
            }
            return [hGrad, null!, null!, null!];
        }
    }
}
