using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Generation;

/// <summary>
/// Batched sampling with a KV cache: one prefill of the left-padded prompts (each repeated n
/// times), then one cached forward per new token. Every step runs in its own dispose scope.
/// </summary>
public static class TextGenerator
{
    /// <summary>Samples responses to text prompts (BOS is prepended when the tokenizer has one).</summary>
    public static GenerationResult Generate(CausalLM model, ITokenizer tokenizer, IReadOnlyList<string> prompts, GenerationOptions options) =>
        Generate(model, tokenizer, prompts.Select(p => Batching.PromptIds(tokenizer, p)).ToList(), options);

    /// <summary>Samples responses to tokenised prompts.</summary>
    /// <exception cref="ArgumentException">For bad options or prompts too long for the model.</exception>
    public static GenerationResult Generate(CausalLM model, ITokenizer tokenizer, IReadOnlyList<int[]> prompts, GenerationOptions options)
    {
        options.Validate();
        if (prompts.Count == 0)
        {
            throw new ArgumentException("no prompts", nameof(prompts));
        }
        var device = model.Device;
        var n = options.NumSamples;
        var maxPrompt = prompts.Max(p => p.Length);
        if (maxPrompt + options.MaxNewTokens > model.Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException(
                $"longest prompt ({maxPrompt} tokens) + max_new_tokens ({options.MaxNewTokens}) exceeds the model's max_position_embeddings ({model.Config.MaxPositionEmbeddings})");
        }
        using var generator = new Generator((ulong)(options.Seed ?? Random.Shared.NextInt64()), device);
        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var (promptTokens, promptMask) = Batching.LeftPad(prompts, tokenizer.PadId, device);
        promptTokens = promptTokens.repeat_interleave(n, dim: 0);                           // [N, P]
        promptMask = promptMask.repeat_interleave(n, dim: 0);                               // [N, P]
        var rows = promptTokens.shape[0];
        using var cache = model.CreateCache(rows, maxPrompt + options.MaxNewTokens);

        var attention = promptMask.alias();                                                        // [N, P+t]
        var last = model.Forward(promptTokens, attention, cache).select(1, -1);             // [N, V]
        var finished = zeros(rows, ScalarType.Bool, device);                                // [N]
        var pad = full(rows, tokenizer.PadId, ScalarType.Int64, device);                    // [N]
        var oneColumn = ones(rows, 1, ScalarType.Int64, device);                                 // [N, 1]
        var tokens = new List<Tensor>();
        var logProbs = new List<Tensor>();
        var masks = new List<Tensor>();
        for (var t = 0; t < options.MaxNewTokens; t++)
        {
            using var step = NewDisposeScope();
            var (next, lp) = Pick(last, options, generator);                                // [N], [N]
            var alive = finished.logical_not();                                             // [N]
            next = where(finished, pad, next);
            tokens.Add(next.MoveToOuterDisposeScope());
            logProbs.Add(lp.masked_fill(finished, 0.0).MoveToOuterDisposeScope());
            masks.Add(alive.to(ScalarType.Float32).MoveToOuterDisposeScope());
            var nowFinished = finished.logical_or(next.eq(tokenizer.EosId)).MoveToOuterDisposeScope();
            finished.Dispose();
            finished = nowFinished;
            var isLast = t == options.MaxNewTokens - 1;
            if (isLast || ((t + 1) % options.StopCheckInterval == 0 && finished.all().item<bool>()))
            {
                break;
            }
            var nextAttention = cat([attention, oneColumn], 1).MoveToOuterDisposeScope();        // [N, P+t+1]
            var nextLast = model.Forward(next.unsqueeze(1), nextAttention, cache).select(1, -1).MoveToOuterDisposeScope(); // [N, V]
            attention.Dispose();
            last.Dispose();
            attention = nextAttention;
            last = nextLast;
        }

        var responseTokens = stack(tokens, 1);                                              // [N, T]
        var responseMask = stack(masks, 1);                                                 // [N, T]
        var responseLogProbs = stack(logProbs, 1);                                          // [N, T]
        var result = Finish(tokenizer, n, promptTokens, promptMask, responseTokens, responseMask, responseLogProbs, finished);
        return result;
    }

    /// <summary>Chooses the next token for each row of last-position logits [N, V]: (token [N], log-prob [N]).</summary>
    private static (Tensor Next, Tensor LogProb) Pick(Tensor logits, GenerationOptions options, Generator generator)
    {
        var scaled = options.Temperature == 1.0 ? logits.to(ScalarType.Float32) : logits.to(ScalarType.Float32) / options.Temperature; // [N, V]
        var logp = scaled.log_softmax(-1);                                                  // [N, V]
        Tensor next;
        if (options.Greedy)
        {
            next = logp.argmax(-1);                                                         // [N]
        }
        else
        {
            var filtered = SamplingFilters.TopP(SamplingFilters.TopK(logp, options.TopK), options.TopP); // [N, V]
            var probs = filtered.softmax(-1);                                               // [N, V]
            next = probs.multinomial(1, false, generator).squeeze(-1);                      // [N]
        }
        var lp = logp.gather(-1, next.unsqueeze(-1)).squeeze(-1);                           // [N]
        return (next, lp);
    }

    private static GenerationResult Finish(ITokenizer tokenizer, int n, Tensor promptTokens, Tensor promptMask,
        Tensor responseTokens, Tensor responseMask, Tensor responseLogProbs, Tensor finished)
    {
        var rows = (int)responseTokens.shape[0];
        var width = (int)responseTokens.shape[1];
        var hostTokens = responseTokens.cpu().data<long>().ToArray();
        var hostLengths = responseMask.sum(1).to(ScalarType.Int64).cpu().data<long>().ToArray();
        var hostFinished = finished.cpu().data<bool>().ToArray();
        var texts = new string[rows];
        var lengths = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            lengths[i] = (int)hostLengths[i];
            texts[i] = tokenizer.Decode(hostTokens.Skip(i * width).Take(lengths[i]).Select(x => (int)x));
        }
        return new GenerationResult
        {
            PromptTokens = promptTokens.DetachFromDisposeScope(),
            PromptMask = promptMask.DetachFromDisposeScope(),
            Tokens = responseTokens.DetachFromDisposeScope(),
            Mask = responseMask.DetachFromDisposeScope(),
            LogProbs = responseLogProbs.DetachFromDisposeScope(),
            FinishReasons = hostFinished.Select(f => f ? FinishReason.Eos : FinishReason.Length).ToArray(),
            Texts = texts,
            Lengths = lengths,
            PromptIndex = Enumerable.Range(0, rows).Select(i => i / n).ToArray(),
        };
    }
}
