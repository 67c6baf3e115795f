using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Qwen2;

/// <summary>Gated MLP: down_proj(act(gate_proj(x)) * up_proj(x)), no biases; act = hidden_act (silu: SwiGLU).</summary>
internal sealed class Qwen2Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly Linear _gateProj;
    [ComponentName(Name = "up_proj")]
    private readonly Linear _upProj;
    [ComponentName(Name = "down_proj")]
    private readonly Linear _downProj;
    private readonly Func<Tensor, Tensor> _act;

    public Qwen2Mlp(ModelConfig config) : base(nameof(Qwen2Mlp))
    {
        _gateProj = nn.Linear(config.HiddenSize, config.MlpWidth, hasBias: false);
        _upProj = nn.Linear(config.HiddenSize, config.MlpWidth, hasBias: false);
        _downProj = nn.Linear(config.MlpWidth, config.HiddenSize, hasBias: false);
        _act = Activations.Get(config.Activation);
        RegisterComponents();
    }

    public Linear OutputProjection => _downProj;

    /// <summary>x [B, L, D] -> [B, L, D] (through [B, L, M]).</summary>
    public override Tensor forward(Tensor x) =>
        _downProj.forward(_act(_gateProj.forward(x)) * _upProj.forward(x));
}
