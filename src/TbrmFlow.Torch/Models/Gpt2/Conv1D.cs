using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Gpt2;

/// <summary>GPT-2's "Conv1D": a linear layer whose weight is stored [in, out] (Hugging Face layout).</summary>
internal sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    [ComponentName(Name = "bias")]
    private readonly Parameter _bias;

    public Conv1D(int inFeatures, int outFeatures) : base(nameof(Conv1D))
    {
        _weight = new Parameter(empty(inFeatures, outFeatures));
        _bias = new Parameter(zeros(outFeatures));
        RegisterComponents();
    }

    public Parameter Weight => _weight;

    /// <summary>x [..., in] -> [..., out].</summary>
    public override Tensor forward(Tensor x)
    {
        var shape = x.shape.ToArray();
        var flat = x.reshape(-1, shape[^1]);                 // [N, in]
        var y = addmm(_bias, flat, _weight, 1.0f, 1.0f);                  // [N, out]
        shape[^1] = _weight.shape[1];
        return y.view(shape);                               // [..., out]
    }
}
