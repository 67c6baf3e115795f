using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Qwen2;

/// <summary>Qwen2's <c>model</c> module: embed_tokens, layers.N, norm.</summary>
internal sealed class Qwen2Backbone : nn.Module
{
    [ComponentName(Name = "embed_tokens")]
    private readonly Embedding _embedTokens;
    [ComponentName(Name = "layers")]
    private readonly ModuleList<Qwen2Block> _layers;
    [ComponentName(Name = "norm")]
    private readonly RmsNorm _norm;
    private readonly ModelConfig _config;

    public Qwen2Backbone(ModelConfig config) : base(nameof(Qwen2Backbone))
    {
        _config = config;
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new Qwen2Block(config, i)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    public Embedding TokenEmbedding => _embedTokens;

    public IEnumerable<Linear> ResidualProjections => _layers.SelectMany(b => b.ResidualProjections);

    /// <summary>tokens [B, L] -> hidden [B, L, D].</summary>
    public Tensor Forward(Tensor tokens, ForwardContext context)
    {
        var x = _embedTokens.forward(tokens);                                                           // [B, L, D]
        var (cos, sin) = Rotary.Angles(context.Positions, _config.HeadDim, _config.RopeTheta, x.dtype, _config.RopeScaling); // [B, 1, L, Dh]
        foreach (var block in _layers)
        {
            x = context.RunBlock((h, c, t) => block.Forward(h, t[0], t[1], c), x, cos, sin);
        }
        return _norm.forward(x);                                                                        // [B, L, D]
    }
}
