using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Generation;

/// <summary>
/// Sampled responses for B prompts x n samples (N = B*n rows, grouped by prompt). Tensors live on
/// the model's device, outside any dispose scope: dispose the result when done.
/// </summary>
public sealed class GenerationResult : IDisposable
{
    /// <summary>long [N, P]: the prompts, left-padded, repeated n times each.</summary>
    public required Tensor PromptTokens { get; init; }

    /// <summary>long [N, P]: 1 for real prompt tokens.</summary>
    public required Tensor PromptMask { get; init; }

    /// <summary>long [N, T]: response tokens, right-padded with PAD after EOS (T = longest response).</summary>
    public required Tensor Tokens { get; init; }

    /// <summary>float32 [N, T]: 1 up to and including EOS.</summary>
    public required Tensor Mask { get; init; }

    /// <summary>float32 [N, T]: log_softmax(logits / temperature) of each sampled token (0 under the mask's zeros); no grad.</summary>
    public required Tensor LogProbs { get; init; }

    /// <summary>Per row: EOS or length.</summary>
    public required FinishReason[] FinishReasons { get; init; }

    /// <summary>Per row: the decoded response (special tokens removed).</summary>
    public required string[] Texts { get; init; }

    /// <summary>Per row: index of its prompt in the input list.</summary>
    public required int[] PromptIndex { get; init; }

    /// <summary>Per row: number of response tokens (EOS included).</summary>
    public required int[] Lengths { get; init; }

    /// <summary>Prompts and responses joined for scoring or training (new tensors; dispose them).</summary>
    public SequenceBatch ToSequenceBatch() => Batching.Join(PromptTokens, PromptMask, Tokens, Mask);

    /// <inheritdoc />
    public void Dispose()
    {
        PromptTokens.Dispose();
        PromptMask.Dispose();
        Tokens.Dispose();
        Mask.Dispose();
        LogProbs.Dispose();
    }
}
