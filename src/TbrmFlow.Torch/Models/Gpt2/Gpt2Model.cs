using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Gpt2;

/// <summary>
/// GPT-2: learned positions, pre-LayerNorm blocks, GELU (tanh) MLP, LM head tied to the token
/// embedding. Parameter names are Hugging Face's (<c>transformer.h.0.attn.c_attn.weight</c>, ...).
/// </summary>
public sealed class Gpt2Model : CausalLM
{
    [ComponentName(Name = "transformer")]
    private readonly Gpt2Transformer _transformer;

    /// <summary>Builds the modules (weights uninitialised until <see cref="InitializeWeights"/> or a load).</summary>
    public Gpt2Model(ModelConfig config) : base(nameof(Gpt2Model), config)
    {
        if (config.ModelType != "gpt2")
        {
            throw new ArgumentException($"Gpt2Model needs model_type gpt2, got {config.ModelType}", nameof(config));
        }
        _transformer = new Gpt2Transformer(config);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor LmHead(Tensor hidden) => nn.functional.linear(hidden, _transformer.TokenEmbedding.weight!); // [..., D] x [V, D]^T -> [..., V]

    internal override Tensor Backbone(Tensor tokens, ForwardContext context) => _transformer.Forward(tokens, context);

    /// <inheritdoc />
    public override void InitializeWeights(Generator generator)
    {
        using var _ = no_grad();
        // GPT-2's scheme: N(0, 0.02) for matrices and embeddings, residual projections scaled by 1/sqrt(2 layers).
        var residualStd = 0.02 / Math.Sqrt(2.0 * Config.NumHiddenLayers);
        var residual = _transformer.ResidualProjections.Select(p => p.Weight.Handle).ToHashSet();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                p.zero_();
            }
            else if (name.Contains(".ln_", StringComparison.Ordinal) || name.Contains("ln_f", StringComparison.Ordinal))
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
