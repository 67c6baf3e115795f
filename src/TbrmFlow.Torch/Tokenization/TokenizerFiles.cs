using System.Text.Json.Nodes;

namespace TbrmFlow.Torch.Tokenization;

/// <summary>Finds and loads the tokenizer stored in a checkpoint directory.</summary>
public static class TokenizerFiles
{
    /// <summary>Loads the tokenizer in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">When no supported tokenizer files are present, listing what is supported.</exception>
    public static ITokenizer Load(string directory)
    {
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        string? tokenizerClass = null;
        if (File.Exists(configPath))
        {
            tokenizerClass = (JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject)?["tokenizer_class"]?.GetValue<string>();
        }
        if (tokenizerClass == CharTokenizer.ClassName)
        {
            return CharTokenizer.Load(directory);
        }
        throw new InvalidDataException(
            $"{directory}: no supported tokenizer found (tokenizer_class '{tokenizerClass ?? "none"}'); supported: " +
            $"{CharTokenizer.ClassName} (vocab.json + tokenizer_config.json)");
    }
}
