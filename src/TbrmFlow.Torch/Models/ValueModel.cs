using TbrmFlow.Torch.Checkpoints;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>
/// A critic for PPO: a <see cref="CausalLM"/> backbone (its own copy) plus a scalar head on the
/// final hidden states. Saved as a normal checkpoint directory plus <c>value_head.safetensors</c>
/// (<c>v_head.weight</c> [1, D], <c>v_head.bias</c> [1]).
/// </summary>
public sealed class ValueModel : nn.Module
{
    /// <summary>File holding the head's weights inside a checkpoint directory.</summary>
    public const string HeadFile = "value_head.safetensors";

    [ComponentName(Name = "backbone")]
    private readonly CausalLM _backbone;
    [ComponentName(Name = "v_head")]
    private readonly Linear _vHead;

    /// <summary>Wraps <paramref name="backbone"/> (owned from now on) with a zero-initialised head (values start at 0).</summary>
    public ValueModel(CausalLM backbone) : base(nameof(ValueModel))
    {
        _backbone = backbone;
        _vHead = nn.Linear(backbone.Config.HiddenSize, 1, hasBias: true, device: backbone.Device, dtype: backbone.DType);
        using (no_grad())
        {
            _vHead.weight!.zero_();
            _vHead.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>The backbone.</summary>
    public CausalLM Backbone => _backbone;

    /// <summary>Values [B, L]: one scalar per position (see <see cref="CausalLM.ForwardHidden"/> for the arguments).</summary>
    public Tensor Forward(Tensor tokens, Tensor? attentionMask = null) =>
        _vHead.forward(_backbone.ForwardHidden(tokens, attentionMask)).squeeze(-1).to(ScalarType.Float32); // [B, L, 1] -> [B, L]

    /// <summary>Loads a checkpoint as a critic; the head comes from <see cref="HeadFile"/> when present, else starts at zero.</summary>
    public static ValueModel Load(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var checkpoint = ModelCheckpoint.Load(directory, device, dtype);
        var model = new ValueModel(checkpoint.Model);
        var head = Path.Combine(directory, HeadFile);
        if (File.Exists(head))
        {
            model._vHead.load_safetensors(head, strict: true);
        }
        return model;
    }

    /// <summary>Writes the backbone as a checkpoint plus the head file.</summary>
    public void Save(string directory, Tokenization.ITokenizer tokenizer, TrainingState? state = null)
    {
        ModelCheckpoint.Save(directory, _backbone, tokenizer, state);
        _vHead.save_safetensors(Path.Combine(directory, HeadFile));
    }
}
