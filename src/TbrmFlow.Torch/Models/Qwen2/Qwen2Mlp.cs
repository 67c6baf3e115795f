using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Qwen2;

/// <summary>SwiGLU MLP: down_proj(silu(gate_proj(x)) * up_proj(x)), no biases.</summary>
internal sealed class Qwen2Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly Linear _gateProj;
    [ComponentName(Name = "up_proj")]
    private readonly Linear _upProj;
    [ComponentName(Name = "down_proj")]
    private readonly Linear _downProj;

    public Qwen2Mlp(ModelConfig config) : base(nameof(Qwen2Mlp))
    {
        _gateProj = nn.Linear(config.HiddenSize, config.MlpWidth, hasBias: false);
        _upProj = nn.Linear(config.HiddenSize, config.MlpWidth, hasBias: false);
        _downProj = nn.Linear(config.MlpWidth, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public Linear OutputProjection => _downProj;

    /// <summary>x [B, L, D] -> [B, L, D] (through [B, L, M]).</summary>
    public override Tensor forward(Tensor x) =>
        _downProj.forward(nn.functional.silu(_gateProj.forward(x)) * _upProj.forward(x));
}
