using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Gpt2;

/// <summary>GPT-2 MLP: _cProj(gelu_tanh(_cFc(x))).</summary>
internal sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "c_fc")]
    private readonly Conv1D _cFc;
    [ComponentName(Name = "c_proj")]
    private readonly Conv1D _cProj;

    public Gpt2Mlp(ModelConfig config) : base(nameof(Gpt2Mlp))
    {
        _cFc = new Conv1D(config.HiddenSize, config.MlpWidth);
        _cProj = new Conv1D(config.MlpWidth, config.HiddenSize);
        RegisterComponents();
    }

    public Conv1D Projection => _cProj;

    /// <summary>x [B, L, D] -> [B, L, D].</summary>
    public override Tensor forward(Tensor x) =>
        _cProj.forward(nn.functional.gelu(_cFc.forward(x), GELU.Approximate.tanh)); // [B, L, M] -> [B, L, D]
}
