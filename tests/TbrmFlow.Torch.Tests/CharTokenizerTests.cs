using TbrmFlow.Torch.Tokenization;

namespace TbrmFlow.Torch.Tests;

public class CharTokenizerTests
{
    [Fact]
    public void EncodeDecode_RoundTrips_AndSkipsSpecials()
    {
        var tok = new CharTokenizer("0123456789+=", useBos: true);
        var ids = tok.Encode("12+7=19");
        Assert.Equal(new[] { 4, 5, 13, 10, 14, 4, 12 }, ids);
        Assert.Equal("12+7=19", tok.Decode([tok.BosId!.Value, .. ids, tok.EosId, tok.PadId]));
    }

    [Fact]
    public void UnknownCharacter_IsNamedWithItsIndex()
    {
        var e = Assert.Throws<ArgumentException>(() => TestModels.Tokenizer().Encode("1+x"));
        Assert.Contains("'x' at index 2", e.Message);
    }

    [Fact]
    public void SavedFiles_LoadBack()
    {
        var dir = TestModels.TempDir();
        new CharTokenizer("ab c", useBos: true).Save(dir);
        var loaded = (CharTokenizer)TokenizerFiles.Load(dir);
        Assert.Equal("ab c", loaded.Alphabet);
        Assert.Equal(2, loaded.BosId);
        Assert.Equal(7, loaded.VocabSize);
    }
}
