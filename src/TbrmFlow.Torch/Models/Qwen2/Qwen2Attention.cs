using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Qwen2;

/// <summary>Grouped-query attention with q/k/v biases (qwen2; llama only with attention_bias) and no output bias, rotary positions.</summary>
internal sealed class Qwen2Attention : nn.Module
{
    [ComponentName(Name = "q_proj")]
    private readonly Linear _qProj;
    [ComponentName(Name = "k_proj")]
    private readonly Linear _kProj;
    [ComponentName(Name = "v_proj")]
    private readonly Linear _vProj;
    [ComponentName(Name = "o_proj")]
    private readonly Linear _oProj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public Qwen2Attention(ModelConfig config) : base(nameof(Qwen2Attention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        _qProj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: config.QkvBias);
        _kProj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.QkvBias);
        _vProj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.QkvBias);
        _oProj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public Linear OutputProjection => _oProj;

    /// <summary>x [B, L, D] -> [B, L, D].</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, int layer, ForwardContext context)
    {
        var b = x.shape[0];
        var l = x.shape[1];
        var q = _qProj.forward(x).view(b, l, _heads, _headDim).transpose(1, 2);      // [B, H, L, Dh]
        var k = _kProj.forward(x).view(b, l, _kvHeads, _headDim).transpose(1, 2);    // [B, Hkv, L, Dh]
        var v = _vProj.forward(x).view(b, l, _kvHeads, _headDim).transpose(1, 2);    // [B, Hkv, L, Dh]
        q = Rotary.Apply(q, cos, sin);
        k = Rotary.Apply(k, cos, sin);
        var y = AttentionOps.Attend(q, k, v, layer, context);                         // [B, H, L, Dh]
        return _oProj.forward(y.transpose(1, 2).reshape(b, l, _heads * _headDim));    // [B, L, D]
    }
}
