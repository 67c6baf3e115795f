using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Qwen2;

/// <summary>RMSNorm as Qwen2 has it: normalise in float32, scale by <c>weight</c>, cast back.</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    private readonly double _eps;

    public RmsNorm(int size, double eps) : base(nameof(RmsNorm))
    {
        _eps = eps;
        _weight = new Parameter(ones(size));
        RegisterComponents();
    }

    /// <summary>x [..., D] -> [..., D].</summary>
    public override Tensor forward(Tensor x)
    {
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * (x32.square().mean([-1], keepdim: true) + _eps).rsqrt();   // [..., D]
        return _weight * normed.to(x.dtype);
    }
}
