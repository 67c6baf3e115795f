using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Gpt2;

/// <summary>GPT-2 multi-head attention with a fused q/k/v projection (<c>_cAttn</c>) and <c>_cProj</c>.</summary>
internal sealed class Gpt2Attention : nn.Module
{
    [ComponentName(Name = "c_attn")]
    private readonly Conv1D _cAttn;
    [ComponentName(Name = "c_proj")]
    private readonly Conv1D _cProj;
    private readonly int _heads;

    public Gpt2Attention(ModelConfig config) : base(nameof(Gpt2Attention))
    {
        _heads = config.NumAttentionHeads;
        _cAttn = new Conv1D(config.HiddenSize, 3 * config.HiddenSize);
        _cProj = new Conv1D(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    public Conv1D Projection => _cProj;

    /// <summary>x [B, L, D] -> [B, L, D].</summary>
    public Tensor Forward(Tensor x, int layer, ForwardContext context)
    {
        var b = x.shape[0];
        var l = x.shape[1];
        var d = x.shape[2];
        var qkv = _cAttn.forward(x).split(d, dim: 2);                              // 3 x [B, L, D]
        var q = qkv[0].view(b, l, _heads, d / _heads).transpose(1, 2);             // [B, H, L, Dh]
        var k = qkv[1].view(b, l, _heads, d / _heads).transpose(1, 2);             // [B, H, L, Dh]
        var v = qkv[2].view(b, l, _heads, d / _heads).transpose(1, 2);             // [B, H, L, Dh]
        var y = AttentionOps.Attend(q, k, v, layer, context);                      // [B, H, L, Dh]
        return _cProj.forward(y.transpose(1, 2).reshape(b, l, d));                 // [B, L, D]
    }
}
