using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>
/// A decoder-only language model: tokens [B, L] -> logits [B, L, V], with an optional KV cache.
/// Families (<c>gpt2</c>, <c>qwen2</c>) derive from it; <see cref="ModelFactory"/> builds one from a
/// <see cref="ModelConfig"/>. State-dict names match Hugging Face's, so checkpoints load by name.
/// </summary>
public abstract class CausalLM : nn.Module
{
    /// <summary>Creates the base with the module name used in error messages.</summary>
    protected CausalLM(string name, ModelConfig config) : base(name)
    {
        config.Validate();
        Config = config;
    }

    /// <summary>The architecture.</summary>
    public ModelConfig Config { get; }

    /// <summary>Vocabulary size V (last dimension of the logits).</summary>
    public int VocabSize => Config.VocabSize;

    /// <summary>Number of parameters (tied matrices counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The device of the parameters.</summary>
    public Device Device => parameters().First().device;

    /// <summary>The dtype of the parameters.</summary>
    public ScalarType DType => parameters().First().dtype;

    /// <summary>
    /// Final hidden states (after the last norm) [B, L, D].
    /// </summary>
    /// <param name="tokens">long [B, L].</param>
    /// <param name="attentionMask">long or bool [B, past+L], 1 for real tokens; null when nothing is padded.</param>
    /// <param name="cache">Past keys/values; the call appends this call's positions to it.</param>
    public Tensor ForwardHidden(Tensor tokens, Tensor? attentionMask = null, KvCache? cache = null)
    {
        var context = ForwardContext.Create(tokens, attentionMask, cache);
        var hidden = Backbone(tokens, context);
        cache?.Advance((int)tokens.shape[1]);
        return hidden;
    }

    /// <summary>Logits [B, L, V] (see <see cref="ForwardHidden"/> for the arguments).</summary>
    public Tensor Forward(Tensor tokens, Tensor? attentionMask = null, KvCache? cache = null) =>
        LmHead(ForwardHidden(tokens, attentionMask, cache));

    /// <summary>The LM head: hidden [..., D] -> logits [..., V]. Apply it to slices of the hidden states to save memory.</summary>
    public abstract Tensor LmHead(Tensor hidden);

    /// <summary>An empty cache for <paramref name="batch"/> sequences of up to <paramref name="maxLength"/> positions.</summary>
    public KvCache CreateCache(long batch, int maxLength) =>
        new(Config.NumHiddenLayers, batch, Config.KeyValueHeads, maxLength, Config.HeadDim, DType, Device);

    /// <summary>Runs the embedding and the blocks: tokens [B, L] -> normalised hidden states [B, L, D].</summary>
    internal abstract Tensor Backbone(Tensor tokens, ForwardContext context);

    /// <summary>Initialises all weights from <paramref name="generator"/> (reproducible for a seed).</summary>
    public abstract void InitializeWeights(Generator generator);
}
