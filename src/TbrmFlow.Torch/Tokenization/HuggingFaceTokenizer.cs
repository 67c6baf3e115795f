using System.Text.Json.Nodes;

namespace TbrmFlow.Torch.Tokenization;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> (e.g. Qwen2.5's) through Tokenizers.DotNet (MIT; a Rust
/// native library from the Tokenizers.DotNet.runtime.linux-x64 package that needs only libc).
/// Special tokens come from <c>tokenizer_config.json</c> (<c>eos_token</c>, <c>pad_token</c>,
/// <c>bos_token</c>) and their ids from <c>tokenizer.json</c>'s <c>added_tokens</c> / vocabulary.
/// </summary>
public sealed class HuggingFaceTokenizer : ITokenizer, IDisposable
{
    private readonly Tokenizers.DotNet.Tokenizer _tokenizer;
    private readonly string _directory;
    private readonly HashSet<int> _special;

    /// <summary>Loads <c>tokenizer.json</c> and <c>tokenizer_config.json</c> from <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">When a file is missing or EOS cannot be resolved.</exception>
    public HuggingFaceTokenizer(string directory)
    {
        _directory = directory;
        var jsonPath = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(jsonPath))
        {
            throw new InvalidDataException($"{directory}: tokenizer.json is missing");
        }
        var json = JsonNode.Parse(File.ReadAllText(jsonPath)) as JsonObject ?? throw new InvalidDataException($"{jsonPath}: not a JSON object");
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        if (json["model"]?["vocab"] is JsonObject vocab)
        {
            foreach (var (token, id) in vocab)
            {
                ids[token] = id!.GetValue<int>();
            }
        }
        _special = [];
        if (json["added_tokens"] is JsonArray added)
        {
            foreach (var t in added.OfType<JsonObject>())
            {
                var id = t["id"]!.GetValue<int>();
                ids[t["content"]!.GetValue<string>()] = id;
                if (t["special"]?.GetValue<bool>() ?? false)
                {
                    _special.Add(id);
                }
            }
        }
        VocabSize = ids.Count == 0 ? 0 : ids.Values.Max() + 1;

        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var config = File.Exists(configPath) ? JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject : null;
        int? Resolve(string key)
        {
            var node = config?[key];
            var text = node is JsonObject o ? o["content"]?.GetValue<string>() : node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            return text is not null && ids.TryGetValue(text, out var id) ? id : null;
        }
        EosId = Resolve("eos_token") ?? throw new InvalidDataException(
            $"{directory}: cannot resolve eos_token from tokenizer_config.json against tokenizer.json's tokens");
        PadId = Resolve("pad_token") ?? EosId;
        BosId = Resolve("bos_token");
        _special.UnionWith([EosId, PadId]);
        _tokenizer = new Tokenizers.DotNet.Tokenizer(jsonPath);
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int EosId { get; }

    /// <inheritdoc />
    public int PadId { get; }

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public int[] Encode(string text) => [.. _tokenizer.Encode(text).Select(x => (int)x)];

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) =>
        _tokenizer.Decode([.. ids.Where(id => !_special.Contains(id) && id != BosId).Select(x => (uint)x)]);

    /// <inheritdoc />
    public void Save(string directory)
    {
        foreach (var name in new[] { "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json" })
        {
            var source = Path.Combine(_directory, name);
            var target = Path.Combine(directory, name);
            if (File.Exists(source) && Path.GetFullPath(source) != Path.GetFullPath(target))
            {
                File.Copy(source, target, overwrite: true);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _tokenizer.Dispose();
}
