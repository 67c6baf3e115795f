using TbrmFlow.Torch.Tokenization;

namespace TbrmFlow.Torch.Tests;

public class BpeAndHuggingFaceTokenizerTests
{
    [Fact]
    public void Gpt2Bpe_EncodesKnownIds_AndRoundTrips()
    {
        var tok = new Gpt2BpeTokenizer();
        Assert.Equal(new[] { 15496, 995 }, tok.Encode("Hello world"));   // GPT-2's published ids
        const string Text = "Let x = 12 + 34; then x² is 2116. Ünïcödé and \n newlines\tstay.";
        var ids = tok.Encode(Text);
        Assert.Equal(Text, tok.Decode(ids));
        Assert.Equal(Text, tok.Decode([.. ids, tok.EosId]));
        Assert.Equal(50257, tok.VocabSize);

        var dir = TestModels.TempDir();
        tok.Save(dir);
        Assert.IsType<Gpt2BpeTokenizer>(TokenizerFiles.Load(dir));
    }

    [Fact]
    public void HuggingFaceTokenizerJson_LoadsThroughTheNativeLibrary()
    {
        var dir = TestModels.TempDir();
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """
        {
          "version": "1.0", "truncation": null, "padding": null,
          "added_tokens": [
            {"id": 0, "content": "<pad>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 1, "content": "<|endoftext|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
          ],
          "normalizer": null,
          "pre_tokenizer": {"type": "Whitespace"},
          "post_processor": null,
          "decoder": null,
          "model": {"type": "WordLevel", "vocab": {"<pad>": 0, "<|endoftext|>": 1, "hello": 2, "world": 3, "[UNK]": 4}, "unk_token": "[UNK]"}
        }
        """);
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"eos_token": "<|endoftext|>", "pad_token": {"content": "<pad>"}}""");

        using var tok = (HuggingFaceTokenizer)TokenizerFiles.Load(dir);
        Assert.Equal(1, tok.EosId);
        Assert.Equal(0, tok.PadId);
        Assert.Null(tok.BosId);
        Assert.Equal(5, tok.VocabSize);
        Assert.Equal(new[] { 2, 3, 4 }, tok.Encode("hello world planet"));
        Assert.Equal("hello world", tok.Decode([2, 3, 1, 0]));

        var copy = TestModels.TempDir();
        tok.Save(copy);
        using var reloaded = (HuggingFaceTokenizer)TokenizerFiles.Load(copy);
        Assert.Equal(tok.Encode("world hello"), reloaded.Encode("world hello"));
    }

    [Fact]
    public void NoTokenizerFiles_ListsWhatIsSupported()
    {
        var e = Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(TestModels.TempDir()));
        Assert.Contains("TbrmFlowCharTokenizer", e.Message);
        Assert.Contains("tokenizer.json", e.Message);
    }
}
