using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Qwen2;

/// <summary>
/// Qwen2 (Llama family): RMSNorm, rotary embeddings (rope_theta), SwiGLU MLP, grouped-query
/// attention with q/k/v biases, optional tied embeddings. Also runs <c>llama</c> configs: the same modules and
/// names without q/k/v biases (unless attention_bias). Parameter names are Hugging Face's
/// (<c>model.layers.0.self_attn.q_proj.weight</c>, ..., <c>lm_head.weight</c> when untied).
/// </summary>
public sealed class Qwen2Model : CausalLM
{
    [ComponentName(Name = "model")]
    private readonly Qwen2Backbone _model;
    [ComponentName(Name = "lm_head")]
    private readonly Linear? _lmHead;

    /// <summary>Builds the modules (weights uninitialised until <see cref="InitializeWeights"/> or a load).</summary>
    public Qwen2Model(ModelConfig config) : base(nameof(Qwen2Model), config)
    {
        if (config.ModelType is not ("qwen2" or "llama"))
        {
            throw new ArgumentException($"Qwen2Model needs model_type qwen2 or llama, got {config.ModelType}", nameof(config));
        }
        _model = new Qwen2Backbone(config);
        _lmHead = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor LmHead(Tensor hidden) =>
        nn.functional.linear(hidden, _lmHead?.weight ?? _model.TokenEmbedding.weight!);                 // [..., D] -> [..., V]

    internal override Tensor Backbone(Tensor tokens, ForwardContext context) => _model.Forward(tokens, context);

    /// <inheritdoc />
    public override void InitializeWeights(Generator generator)
    {
        using var _ = no_grad();
        var residualStd = 0.02 / Math.Sqrt(2.0 * Config.NumHiddenLayers);
        var residual = _model.ResidualProjections.Select(p => p.weight!.Handle).ToHashSet();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                p.zero_();
            }
            else if (name.EndsWith("norm.weight", StringComparison.Ordinal) || name.EndsWith("layernorm.weight", StringComparison.Ordinal))
            {
                p.fill_(1.0);
            }
            else
            {
                p.normal_(0.0, residual.Contains(p.Handle) ? residualStd : 0.02, generator);
            }
        }
    }
}
