using TbrmFlow.Torch.Generation;
using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

public class ScoringTests
{
    [Fact]
    public void Chunked_EqualsOneChunk_AndLoopReference()
    {
        using var model = TestModels.Create(seed: 3);
        var tok = TestModels.Tokenizer();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var batch = Batching.FromText(tok, ["12+34=", "7+8="], ["4", "15"]);
        var whole = Scorer.Score(model, batch, temperature: 1.3);
        var chunked = Scorer.Score(model, batch, temperature: 1.3, chunkElements: 1);   // one position per chunk
        Assert.True((whole.TokenLogProbs - chunked.TokenLogProbs).abs().max().item<float>() < 1e-6);
        Assert.True((whole.ValueS1 - chunked.ValueS1).abs().max().item<float>() < 1e-6);

        // Reference: score each pair alone, position by position, with log_softmax.
        var pairs = new[] { ("12+34=", "4"), ("7+8=", "15") };
        for (var i = 0; i < 2; i++)
        {
            var ids = tok.Encode(pairs[i].Item1).Concat(tok.Encode(pairs[i].Item2)).Append(tok.EosId).Select(x => (long)x).ToArray();
            var logits = model.Forward(tensor(ids).unsqueeze(0)).squeeze(0) / 1.3;    // [L, V]
            var p = pairs[i].Item1.Length;
            for (var t = 0; t < pairs[i].Item2.Length + 1; t++)
            {
                var expected = logits[p - 1 + t].log_softmax(-1)[ids[p + t]].item<float>();
                Assert.Equal(expected, whole.TokenLogProbs[i, t].item<float>(), 5);
            }
            var v = logits[p - 1].logsumexp(0).item<float>();
            Assert.Equal(v, whole.ValueS1[i].item<float>(), 5);
        }
        // Padding after EOS scores 0.
        Assert.Equal(0f, batch.ResponseMask[0, 2].item<float>());
        Assert.Equal(0f, whole.TokenLogProbs[0, 2].item<float>());
    }

    [Fact]
    public void Score_HasGradient_ThroughLogProbsAndValue()
    {
        using var model = TestModels.Create();
        var tok = TestModels.Tokenizer();
        model.train();
        using var scope = NewDisposeScope();
        using var batch = Batching.FromText(tok, ["1+1="], ["2"]);
        var s = Scorer.Score(model, batch);
        (s.TokenLogProbs.sum() + s.ValueS1.sum()).backward();
        var grads = model.parameters().Select(p => p.grad).ToList();
        Assert.All(grads, g => Assert.NotNull(g));
        Assert.True(grads.Sum(g => g!.abs().sum().item<float>()) > 0);
    }

    [Fact]
    public void Batching_LeftPadsPromptsAndRightPadsResponses()
    {
        using var scope = NewDisposeScope();
        var tok = TestModels.Tokenizer();
        using var batch = Batching.FromText(tok, ["1+1=", "10+10="], ["2", "20"]);
        Assert.Equal(6, batch.PromptLength);
        Assert.Equal(new long[] { 0, 0, 3, 12, 3, 13, 4, 1, 0 }, batch.Tokens[0].data<long>().ToArray());
        Assert.Equal(new long[] { 0, 0, 1, 1, 1, 1, 1, 1, 0 }, batch.AttentionMask[0].data<long>().ToArray());
        Assert.Equal(new float[] { 1, 1, 0 }, batch.ResponseMask[0].data<float>().ToArray());
        Assert.Equal(new float[] { 1, 1, 1 }, batch.ResponseMask[1].data<float>().ToArray());
    }

    [Fact]
    public void TopK_And_TopP_KeepTheExpectedTokens()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 0f, MathF.Log(2), MathF.Log(3), MathF.Log(4) }).unsqueeze(0); // probs 0.1 0.2 0.3 0.4
        var k2 = SamplingFilters.TopK(logits, 2);
        Assert.Equal(new[] { false, false, true, true }, k2.isfinite()[0].data<bool>().ToArray());
        var p65 = SamplingFilters.TopP(logits, 0.65);   // 0.4 + 0.3 = 0.7 >= 0.65
        Assert.Equal(new[] { false, false, true, true }, p65.isfinite()[0].data<bool>().ToArray());
        var p30 = SamplingFilters.TopP(logits, 0.3);    // the top token alone already reaches it
        Assert.Equal(new[] { false, false, false, true }, p30.isfinite()[0].data<bool>().ToArray());
    }
}
