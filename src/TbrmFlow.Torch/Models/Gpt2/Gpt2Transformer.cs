using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Gpt2;

/// <summary>GPT-2's <c>transformer</c> module: wte, wpe, h.N, ln_f.</summary>
internal sealed class Gpt2Transformer : nn.Module
{
    [ComponentName(Name = "wte")]
    private readonly Embedding _wte;
    [ComponentName(Name = "wpe")]
    private readonly Embedding _wpe;
    [ComponentName(Name = "h")]
    private readonly ModuleList<Gpt2Block> _h;
    [ComponentName(Name = "ln_f")]
    private readonly LayerNorm _lnF;

    public Gpt2Transformer(ModelConfig config) : base(nameof(Gpt2Transformer))
    {
        _wte = nn.Embedding(config.VocabSize, config.HiddenSize);
        _wpe = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        _h = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new Gpt2Block(config, i)).ToArray());
        _lnF = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        RegisterComponents();
    }

    public Embedding TokenEmbedding => _wte;

    public IEnumerable<Conv1D> ResidualProjections => _h.SelectMany(b => b.ResidualProjections);

    /// <summary>tokens [B, L] -> hidden [B, L, D].</summary>
    public Tensor Forward(Tensor tokens, ForwardContext context)
    {
        var x = _wte.forward(tokens) + _wpe.forward(context.Positions);   // [B, L, D]
        foreach (var block in _h)
        {
            x = block.Forward(x, context);
        }
        return _lnF.forward(x);                                          // [B, L, D]
    }
}
