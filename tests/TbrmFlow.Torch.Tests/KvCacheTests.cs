using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

public class KvCacheTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("qwen2")]
    public void CachedLogits_EqualFullForward_WithLeftPadding(string family)
    {
        using var model = TestModels.Create(family);
        var tok = TestModels.Tokenizer();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var prompts = new[] { tok.Encode("12+34="), tok.Encode("7+8="), tok.Encode("999+1=") };
        var (prompt, mask) = Batching.LeftPad(prompts, tok.PadId);                 // [3, 6]
        using var generator = new Generator(3);                                     // not the racy process-wide one
        var continuation = randint(2, tok.VocabSize, [3, 5], dtype: ScalarType.Int64, generator: generator); // [3, 5]
        var full = cat([prompt, continuation], 1);                                  // [3, 11]
        var fullMask = cat([mask, ones(3, 5, ScalarType.Int64)], 1);                 // [3, 11]
        var expected = model.Forward(full, fullMask);                               // [3, 11, V]

        using var cache = model.CreateCache(3, 16);
        var pieces = new List<Tensor> { model.Forward(prompt, mask, cache) };
        for (var t = 0; t < 5; t++)
        {
            pieces.Add(model.Forward(continuation.narrow(1, t, 1), fullMask.narrow(1, 0, 6 + t + 1), cache));
        }
        var cached = cat(pieces, 1);                                                // [3, 11, V]

        // Padding positions carry no meaning; compare every real position.
        var real = fullMask.to(ScalarType.Bool).unsqueeze(-1).expand_as(expected);
        var diff = (cached - expected).abs().masked_select(real).max().item<float>();
        Assert.True(diff < 1e-5, $"max abs diff {diff}");
        Assert.Equal(11, cache.Length);
    }

    [Fact]
    public void PaddedRow_MatchesSameRowWithoutPadding()
    {
        using var model = TestModels.Create();
        var tok = TestModels.Tokenizer();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (alone, aloneMask) = Batching.LeftPad([tok.Encode("7+8=")], tok.PadId);
        var (padded, paddedMask) = Batching.LeftPad([tok.Encode("7+8="), tok.Encode("123+456=")], tok.PadId);
        var a = model.Forward(alone, aloneMask).select(0, 0);                        // [4, V]
        var b = model.Forward(padded, paddedMask).select(0, 0).narrow(0, 4, 4);      // [4, V]
        Assert.True((a - b).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Cache_RejectsMoreThanItsCapacity()
    {
        using var model = TestModels.Create();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var cache = model.CreateCache(1, 4);
        model.Forward(ones(1, 3, ScalarType.Int64), null, cache);
        var e = Assert.Throws<InvalidOperationException>(() => model.Forward(ones(1, 2, ScalarType.Int64), null, cache));
        Assert.Contains("capacity 4", e.Message);
    }
}
