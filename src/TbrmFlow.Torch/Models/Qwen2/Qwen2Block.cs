using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Qwen2;

/// <summary>One decoder layer: x + self_attn(input_layernorm(x)), then + mlp(post_attention_layernorm(x)).</summary>
internal sealed class Qwen2Block : nn.Module
{
    [ComponentName(Name = "input_layernorm")]
    private readonly RmsNorm _inputLayernorm;
    [ComponentName(Name = "self_attn")]
    private readonly Qwen2Attention _selfAttn;
    [ComponentName(Name = "post_attention_layernorm")]
    private readonly RmsNorm _postAttentionLayernorm;
    [ComponentName(Name = "mlp")]
    private readonly Qwen2Mlp _mlp;
    private readonly int _layer;

    public Qwen2Block(ModelConfig config, int layer) : base(nameof(Qwen2Block))
    {
        _layer = layer;
        _inputLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _selfAttn = new Qwen2Attention(config);
        _postAttentionLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _mlp = new Qwen2Mlp(config);
        RegisterComponents();
    }

    public IEnumerable<TorchSharp.Modules.Linear> ResidualProjections => [_selfAttn.OutputProjection, _mlp.OutputProjection];

    /// <summary>x [B, L, D] -> [B, L, D].</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, ForwardContext context)
    {
        x = x + _selfAttn.Forward(_inputLayernorm.forward(x), cos, sin, _layer, context);
        return x + _mlp.forward(_postAttentionLayernorm.forward(x));
    }
}
