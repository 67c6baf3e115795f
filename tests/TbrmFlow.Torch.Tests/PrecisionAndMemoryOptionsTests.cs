using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

public class PrecisionAndMemoryOptionsTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("qwen2")]
    public void ActivationCheckpointing_GivesTheSameLossAndGradients(string family)
    {
        using var model = TestModels.Create(family, seed: 6);
        model.train();
        var tok = TestModels.Tokenizer();
        using var scope = NewDisposeScope();
        using var batch = Batching.FromText(tok, ["12+34=", "7+8="], ["46", "15"]);

        Dictionary<string, Tensor> Gradients(bool checkpointing, out float loss)
        {
            model.ActivationCheckpointing = checkpointing;
            model.zero_grad();
            var s = Scorer.Score(model, batch);
            var l = -(s.TokenLogProbs.sum() + s.ValueS1.sum());
            l.backward();
            loss = l.item<float>();
            return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }

        var plain = Gradients(false, out var plainLoss);
        var recomputed = Gradients(true, out var recomputedLoss);
        Assert.Equal(plainLoss, recomputedLoss, 5);
        foreach (var (name, g) in plain)
        {
            var diff = (g - recomputed[name]).abs().max().item<float>();
            Assert.True(diff < 1e-6, $"{name}: max grad diff {diff}");
        }
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("qwen2")]
    public void BFloat16_LogProbsStayCloseToFloat32(string family)
    {
        using var f32 = TestModels.Create(family, seed: 2);
        var dir = TestModels.TempDir();
        ModelCheckpoint.Save(dir, f32, TestModels.Tokenizer());
        using var bf16 = ModelCheckpoint.Load(dir, dtype: ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf16.Model.DType);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var batch = Batching.FromText(TestModels.Tokenizer(), ["12+34=", "7+8="], ["46", "15"]);
        var a = Scorer.Score(f32, batch);
        var b = Scorer.Score(bf16.Model, batch);
        // bf16 keeps 8 bits of mantissa (~0.4% relative); through 2 blocks the per-token
        // log-probs of this toy model move by a few hundredths at most.
        var diff = (a.TokenLogProbs - b.TokenLogProbs).abs().max().item<float>();
        Assert.True(diff < 0.05, $"max |lp_bf16 - lp_f32| = {diff}");
        Assert.True(diff > 0, "bf16 should not be bit-identical to f32 (is it really bf16?)");
    }

    [Fact]
    public void ValueModel_StartsAtZero_Learns_AndRoundTrips()
    {
        using var critic = new ValueModel(TestModels.Create("qwen2"));
        var tok = TestModels.Tokenizer();
        using var scope = NewDisposeScope();
        using var batch = Batching.FromText(tok, ["1+1=", "2+2="], ["2", "4"]);
        var v0 = critic.Forward(batch.Tokens, batch.AttentionMask);                      // [B, L]
        Assert.Equal([2, batch.Tokens.shape[1]], v0.shape);
        Assert.Equal(0f, v0.abs().max().item<float>());

        using var opt = optim.Adam(critic.parameters(), 1e-2);
        for (var i = 0; i < 20; i++)
        {
            opt.zero_grad();
            var loss = (critic.Forward(batch.Tokens, batch.AttentionMask) - 1.0).square().mean();
            loss.backward();
            opt.step();
        }
        var v = critic.Forward(batch.Tokens, batch.AttentionMask);
        Assert.True((v - 1.0).abs().mean().item<float>() < 0.5);

        var dir = TestModels.TempDir();
        critic.Save(dir, tok);
        using var loaded = ValueModel.Load(dir);
        using var _ = no_grad();
        Assert.True(TestModels.Same(v.detach(), loaded.Forward(batch.Tokens, batch.AttentionMask)));
    }
}
