using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Gpt2;

/// <summary>One GPT-2 block: x + _attn(_ln1(x)), then + _mlp(_ln2(x)). Names as in Hugging Face.</summary>
internal sealed class Gpt2Block : nn.Module
{
    [ComponentName(Name = "ln_1")]
    private readonly LayerNorm _ln1;
    [ComponentName(Name = "attn")]
    private readonly Gpt2Attention _attn;
    [ComponentName(Name = "ln_2")]
    private readonly LayerNorm _ln2;
    [ComponentName(Name = "mlp")]
    private readonly Gpt2Mlp _mlp;
    private readonly int _layer;

    public Gpt2Block(ModelConfig config, int layer) : base(nameof(Gpt2Block))
    {
        _layer = layer;
        _ln1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        _attn = new Gpt2Attention(config);
        _ln2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        _mlp = new Gpt2Mlp(config);
        RegisterComponents();
    }

    public IEnumerable<Conv1D> ResidualProjections => [_attn.Projection, _mlp.Projection];

    /// <summary>x [B, L, D] -> [B, L, D].</summary>
    public Tensor Forward(Tensor x, ForwardContext context)
    {
        x = x + _attn.Forward(_ln1.forward(x), _layer, context);
        return x + _mlp.forward(_ln2.forward(x));
    }
}
