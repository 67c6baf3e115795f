using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Scoring;

/// <summary>Padding helpers shared by generation, scoring, RL and evaluation.</summary>
public static class Batching
{
    /// <summary>Left-pads sequences: tokens long [B, P] (PAD on the left) and mask long [B, P] (1 = real).</summary>
    /// <exception cref="ArgumentException">When a sequence is empty.</exception>
    public static (Tensor Tokens, Tensor Mask) LeftPad(IReadOnlyList<int[]> sequences, int padId, Device? device = null)
    {
        var p = sequences.Count == 0 ? 0 : sequences.Max(s => s.Length);
        var tokens = new long[sequences.Count * p];
        var mask = new long[sequences.Count * p];
        for (var i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            if (s.Length == 0)
            {
                throw new ArgumentException($"sequence {i} is empty; every prompt needs at least one token", nameof(sequences));
            }
            var offset = i * p + (p - s.Length);
            Array.Fill(tokens, padId, i * p, p - s.Length);
            for (var j = 0; j < s.Length; j++)
            {
                tokens[offset + j] = s[j];
                mask[offset + j] = 1;
            }
        }
        return (tensor(tokens, [sequences.Count, p], device: device), tensor(mask, [sequences.Count, p], device: device));
    }

    /// <summary>Right-pads sequences: tokens long [B, T] (PAD on the right) and mask float32 [B, T] (1 = real).</summary>
    public static (Tensor Tokens, Tensor Mask) RightPad(IReadOnlyList<int[]> sequences, int padId, Device? device = null)
    {
        var t = sequences.Count == 0 ? 0 : sequences.Max(s => s.Length);
        var tokens = new long[sequences.Count * t];
        var mask = new float[sequences.Count * t];
        Array.Fill(tokens, padId);
        for (var i = 0; i < sequences.Count; i++)
        {
            for (var j = 0; j < sequences[i].Length; j++)
            {
                tokens[i * t + j] = sequences[i][j];
                mask[i * t + j] = 1f;
            }
        }
        return (tensor(tokens, [sequences.Count, t], device: device), tensor(mask, [sequences.Count, t], device: device));
    }

    /// <summary>
    /// Joins left-padded prompts (long [B, P] + mask [B, P]) and right-padded responses (long [B, T] + float mask [B, T])
    /// into one <see cref="SequenceBatch"/>.
    /// </summary>
    public static SequenceBatch Join(Tensor promptTokens, Tensor promptMask, Tensor responses, Tensor responseMask)
    {
        if (promptTokens.shape[0] != responses.shape[0])
        {
            throw new ArgumentException($"prompts have {promptTokens.shape[0]} rows, responses {responses.shape[0]}");
        }
        var tokens = cat([promptTokens, responses], 1);                               // [B, P+T]
        // Temporaries disposed here, not left to a caller's DisposeScope (or to the GC when there is none).
        using var promptMask64 = promptMask.to(ScalarType.Int64);                            // [B, P]
        using var kept = responseMask.gt(0);                                                 // [B, T]
        using var responseMask64 = kept.to(ScalarType.Int64);                                // [B, T]
        var mask = cat([promptMask64, responseMask64], 1);                                   // [B, P+T]
        return new SequenceBatch(tokens, mask, (int)promptTokens.shape[1], responses.alias(), responseMask.to(ScalarType.Float32, copy: true));
    }

    /// <summary>
    /// Tokenises prompt/response text pairs into a batch; <paramref name="appendEos"/> adds EOS to
    /// each response (what a finished sampled response ends with).
    /// </summary>
    public static SequenceBatch FromText(ITokenizer tokenizer, IReadOnlyList<string> prompts, IReadOnlyList<string> responses, bool appendEos = true, Device? device = null)
    {
        if (prompts.Count != responses.Count)
        {
            throw new ArgumentException($"{prompts.Count} prompts but {responses.Count} responses");
        }
        var promptIds = prompts.Select(p => PromptIds(tokenizer, p)).ToList();
        var responseIds = responses.Select(r => appendEos ? [.. tokenizer.Encode(r), tokenizer.EosId] : tokenizer.Encode(r)).ToList();
        var (pt, pm) = LeftPad(promptIds, tokenizer.PadId, device);
        var (rt, rm) = RightPad(responseIds, tokenizer.PadId, device);
        return Join(pt, pm, rt, rm);
    }

    /// <summary>A prompt's ids, with BOS first when the tokenizer has one.</summary>
    public static int[] PromptIds(ITokenizer tokenizer, string prompt) =>
        tokenizer.BosId is { } bos ? [bos, .. tokenizer.Encode(prompt)] : tokenizer.Encode(prompt);
}
