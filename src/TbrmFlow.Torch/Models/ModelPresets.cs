namespace TbrmFlow.Torch.Models;

/// <summary>
/// Small CPU model sizes. Parameter counts for the gpt2 family with a 16-token vocabulary and 128
/// positions: toy ~0.10M (2 layers, d 64, 4 heads), tiny ~0.80M (4 layers, d 128, 4 heads),
/// small ~3.2M (4 layers, d 256, 8 heads). The qwen2 family uses the same widths with half as many
/// key/value heads and an MLP of ~8/3 d (SwiGLU), which gives similar counts; llama is qwen2 without q/k/v biases.
/// </summary>
public static class ModelPresets
{
    private static readonly Dictionary<string, (int Layers, int Width, int Heads)> Sizes = new(StringComparer.Ordinal)
    {
        ["toy"] = (2, 64, 4),
        ["tiny"] = (4, 128, 4),
        ["small"] = (4, 256, 8),
    };

    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["toy", "tiny", "small"];

    /// <summary>Builds the config of preset <paramref name="name"/> for a vocabulary and family.</summary>
    /// <exception cref="ArgumentException">For an unknown preset or family, listing the known ones.</exception>
    public static ModelConfig Create(string name, int vocabSize, string family = "gpt2", int maxPositions = 128)
    {
        if (!Sizes.TryGetValue(name, out var size))
        {
            throw new ArgumentException($"preset '{name}' is not one of: {string.Join(", ", Names)}", nameof(name));
        }
        var config = family switch
        {
            "gpt2" => new ModelConfig
            {
                ModelType = "gpt2",
                VocabSize = vocabSize,
                HiddenSize = size.Width,
                NumHiddenLayers = size.Layers,
                NumAttentionHeads = size.Heads,
                NumKeyValueHeads = size.Heads,
                IntermediateSize = 4 * size.Width,
                MaxPositionEmbeddings = maxPositions,
                TieWordEmbeddings = true,
            },
            "qwen2" or "llama" => new ModelConfig
            {
                ModelType = family,
                VocabSize = vocabSize,
                HiddenSize = size.Width,
                NumHiddenLayers = size.Layers,
                NumAttentionHeads = size.Heads,
                NumKeyValueHeads = size.Heads / 2,
                IntermediateSize = (8 * size.Width / 3 + 31) / 32 * 32,
                MaxPositionEmbeddings = maxPositions,
                RopeTheta = 10000.0,
                RmsNormEps = 1e-6,
                TieWordEmbeddings = true,
            },
            _ => throw new ArgumentException($"family '{family}' is not one of: {string.Join(", ", ModelConfig.KnownModelTypes)}", nameof(family)),
        };
        config.Validate();
        return config;
    }
}
