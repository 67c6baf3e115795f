using TbrmFlow.Torch.Generation;
using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

public class GenerationTests
{
    private static readonly string[] Prompts = ["12+34=", "7+8=", "999+1="];

    [Fact]
    public void Greedy_IsIdenticalAcrossRuns()
    {
        using var model = TestModels.Create();
        var tok = TestModels.Tokenizer();
        var options = new GenerationOptions { Greedy = true, MaxNewTokens = 12 };
        using var a = TextGenerator.Generate(model, tok, Prompts, options);
        using var b = TextGenerator.Generate(model, tok, Prompts, options with { Seed = 99 });
        Assert.True(TestModels.Same(a.Tokens, b.Tokens));
        Assert.Equal(a.Texts, b.Texts);
    }

    [Fact]
    public void Greedy_MatchesArgmaxOfFullForward()
    {
        using var model = TestModels.Create(seed: 4);
        var tok = TestModels.Tokenizer();
        using var result = TextGenerator.Generate(model, tok, ["5+5="], new GenerationOptions { Greedy = true, MaxNewTokens = 6 });
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tok.Encode("5+5=").Select(x => (long)x).ToList();
        for (var t = 0; t < result.Lengths[0]; t++)
        {
            var logits = model.Forward(tensor(ids.ToArray()).unsqueeze(0));                // [1, L, V]
            var next = logits.select(1, -1).argmax(-1).item<long>();
            Assert.Equal(next, result.Tokens[0, t].item<long>());
            ids.Add(next);
        }
    }

    [Fact]
    public void Sampling_WithSameSeed_IsReproducible_AndDifferentSeedsDiffer()
    {
        using var model = TestModels.Create();
        var tok = TestModels.Tokenizer();
        var options = new GenerationOptions { NumSamples = 4, MaxNewTokens = 10, Seed = 11, TopK = 8, TopP = 0.95 };
        using var a = TextGenerator.Generate(model, tok, Prompts, options);
        using var b = TextGenerator.Generate(model, tok, Prompts, options);
        using var c = TextGenerator.Generate(model, tok, Prompts, options with { Seed = 12 });
        Assert.True(TestModels.Same(a.Tokens, b.Tokens));
        Assert.True(TestModels.Same(a.LogProbs, b.LogProbs));
        Assert.False(TestModels.Same(a.Tokens, c.Tokens));
    }

    [Fact]
    public void Result_ShapesMasksAndGrouping_AreConsistent()
    {
        using var model = TestModels.Create();
        var tok = TestModels.Tokenizer();
        using var r = TextGenerator.Generate(model, tok, Prompts, new GenerationOptions { NumSamples = 3, MaxNewTokens = 8, Seed = 1 });
        Assert.Equal(9, r.Tokens.shape[0]);
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2], r.PromptIndex);
        Assert.Equal(r.Tokens.shape, r.Mask.shape);
        Assert.Equal(r.Tokens.shape, r.LogProbs.shape);
        var width = (int)r.Tokens.shape[1];
        for (var i = 0; i < 9; i++)
        {
            var row = r.Tokens[i].data<long>().ToArray();
            var eos = Array.IndexOf(row, (long)tok.EosId);
            if (r.FinishReasons[i] == FinishReason.Eos)
            {
                Assert.Equal(eos + 1, r.Lengths[i]);
                Assert.All(row.Skip(eos + 1), x => Assert.Equal(tok.PadId, x));
            }
            else
            {
                Assert.Equal(-1, eos);
                Assert.Equal(8, r.Lengths[i]);
            }
            Assert.Equal(r.Lengths[i], (int)r.Mask[i].sum().item<float>());
            Assert.True(r.Lengths[i] <= width);
            Assert.True(r.LogProbs[i].le(0).all().item<bool>());
        }
    }

    [Fact]
    public void GenerationLogProbs_EqualScorerLogProbs_AtTheSameTemperature()
    {
        using var model = TestModels.Create(seed: 2);
        var tok = TestModels.Tokenizer();
        using var r = TextGenerator.Generate(model, tok, Prompts, new GenerationOptions { NumSamples = 2, MaxNewTokens = 8, Seed = 5, Temperature = 0.7 });
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var batch = r.ToSequenceBatch();
        var scored = Scorer.TokenLogProbs(model, batch, temperature: 0.7);
        Assert.True((scored - r.LogProbs).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void TooLongRequest_NamesTheLimit()
    {
        using var model = TestModels.Create();
        var e = Assert.Throws<ArgumentException>(() =>
            TextGenerator.Generate(model, TestModels.Tokenizer(), Prompts, new GenerationOptions { MaxNewTokens = 100 }));
        Assert.Contains("max_position_embeddings (64)", e.Message);
    }
}
