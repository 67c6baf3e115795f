using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Gpt2;

/// <summary>GPT-2 MLP: c_proj(act(c_fc(x))), act = activation_function (default gelu_new, the tanh GELU).</summary>
internal sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "c_fc")]
    private readonly Conv1D _cFc;
    [ComponentName(Name = "c_proj")]
    private readonly Conv1D _cProj;
    private readonly Func<Tensor, Tensor> _act;

    public Gpt2Mlp(ModelConfig config) : base(nameof(Gpt2Mlp))
    {
        _cFc = new Conv1D(config.HiddenSize, config.MlpWidth);
        _cProj = new Conv1D(config.MlpWidth, config.HiddenSize);
        _act = Activations.Get(config.Activation);
        RegisterComponents();
    }

    public Conv1D Projection => _cProj;

    /// <summary>x [B, L, D] -> [B, L, D].</summary>
    public override Tensor forward(Tensor x) =>
        _cProj.forward(_act(_cFc.forward(x))); // [B, L, M] -> [B, L, D]
}
