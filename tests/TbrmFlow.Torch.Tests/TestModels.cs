using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;

namespace TbrmFlow.Torch.Tests;

internal static class TestModels
{
    public static CharTokenizer Tokenizer() => new("0123456789+=");

    public static CausalLM Create(string family = "gpt2", string preset = "toy", long seed = 1)
    {
        var config = ModelPresets.Create(preset, Tokenizer().VocabSize, family, maxPositions: 64);
        var model = ModelFactory.Create(config, seed);
        model.eval();
        return model;
    }

    /// <summary>Same shape and every element equal (bit-exact for floats).</summary>
    public static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tbrmflow-torch-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
