using TbrmFlow.Torch.Models;

namespace TbrmFlow.Plugins.Rl.Policy;

/// <summary>Architectures for fresh policies built by rl.sft (GPT-2 family).</summary>
public static class PolicyPresets
{
    private static readonly Dictionary<string, (int Width, int Layers, int Heads, int Positions)> Presets = new(StringComparer.Ordinal)
    {
        ["toy"] = (64, 2, 4, 32),
        ["tiny"] = (128, 4, 4, 64),
        ["small"] = (256, 4, 8, 128),
    };

    /// <summary>Valid names.</summary>
    public static IReadOnlyCollection<string> Names => Presets.Keys;

    /// <summary>The config of preset <paramref name="name"/> for a vocabulary of <paramref name="vocabSize"/> ids.</summary>
    /// <exception cref="ArgumentException">Listing the valid names.</exception>
    public static ModelConfig Get(string name, int vocabSize)
    {
        if (!Presets.TryGetValue(name, out var p))
        {
            throw new ArgumentException($"preset '{name}' is not one of: {string.Join(", ", Presets.Keys)}");
        }
        return new ModelConfig
        {
            ModelType = "gpt2",
            VocabSize = vocabSize,
            HiddenSize = p.Width,
            NumHiddenLayers = p.Layers,
            NumAttentionHeads = p.Heads,
            NumKeyValueHeads = p.Heads,
            IntermediateSize = 4 * p.Width,
            MaxPositionEmbeddings = p.Positions,
        };
    }
}
