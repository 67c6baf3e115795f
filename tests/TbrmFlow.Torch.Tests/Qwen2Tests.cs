using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

public class Qwen2Tests
{
    [Fact]
    public void UsesHuggingFaceNames_WithBiasesOnQkvOnly()
    {
        using var model = TestModels.Create("qwen2");
        var dict = model.state_dict();
        Assert.Equal([64, 64], dict["model.layers.0.self_attn.q_proj.weight"].shape);
        Assert.Equal([32, 64], dict["model.layers.0.self_attn.k_proj.weight"].shape);   // 2 of 4 heads for keys/values
        Assert.Contains("model.layers.1.self_attn.v_proj.bias", dict.Keys);
        Assert.DoesNotContain("model.layers.1.self_attn.o_proj.bias", dict.Keys);
        Assert.Contains("model.layers.1.mlp.gate_proj.weight", dict.Keys);
        Assert.Contains("model.norm.weight", dict.Keys);
        Assert.DoesNotContain("lm_head.weight", dict.Keys);                             // tied by default
    }

    [Fact]
    public void Untied_HasItsOwnLmHead_AndRoundTrips()
    {
        var config = ModelPresets.Create("toy", TestModels.Tokenizer().VocabSize, "qwen2", 64) with { TieWordEmbeddings = false, RopeTheta = 1e6 };
        using var model = ModelFactory.Create(config, seed: 3);
        Assert.Contains("lm_head.weight", model.state_dict().Keys);
        var dir = TestModels.TempDir();
        ModelCheckpoint.Save(dir, model, TestModels.Tokenizer());
        using var loaded = ModelCheckpoint.Load(dir);
        Assert.Equal(1e6, loaded.Model.Config.RopeTheta);
        Assert.False(loaded.Model.Config.TieWordEmbeddings);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(new long[] { 3, 4, 12, 5, 13 }).unsqueeze(0);
        Assert.True(TestModels.Same(model.Forward(x), loaded.Model.Forward(x)));
    }

    [Fact]
    public void LeftPadding_DoesNotChangeLogits()
    {
        using var model = TestModels.Create("qwen2");
        var tok = TestModels.Tokenizer();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (alone, aloneMask) = Scoring.Batching.LeftPad([tok.Encode("7+8=")], tok.PadId);
        var (padded, paddedMask) = Scoring.Batching.LeftPad([tok.Encode("7+8="), tok.Encode("123+456=")], tok.PadId);
        var a = model.Forward(alone, aloneMask).select(0, 0);                       // [4, V]
        var b = model.Forward(padded, paddedMask).select(0, 0).narrow(0, 4, 4);     // [4, V]
        Assert.True((a - b).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Rotary_ScoresDependOnRelativePositionOnly()
    {
        using var scope = NewDisposeScope();
        // Its own generator: a draw from the process-wide one races with other test classes.
        using var generator = new Generator(1);
        var q = randn([1, 1, 1, 8], generator: generator);
        var k = randn([1, 1, 1, 8], generator: generator);
        float Score(long qPos, long kPos)
        {
            var (cq, sq) = Models.Qwen2.Rotary.Angles(tensor(new[] { qPos }).unsqueeze(0), 8, 10000, ScalarType.Float32);
            var (ck, sk) = Models.Qwen2.Rotary.Angles(tensor(new[] { kPos }).unsqueeze(0), 8, 10000, ScalarType.Float32);
            return (Models.Qwen2.Rotary.Apply(q, cq, sq) * Models.Qwen2.Rotary.Apply(k, ck, sk)).sum().item<float>();
        }
        Assert.Equal(Score(7, 3), Score(107, 103), 4);
        Assert.NotEqual(Score(7, 3), Score(7, 4), 4);
        // Position 0 is the identity rotation.
        Assert.Equal((q * k).sum().item<float>(), Score(0, 0), 5);
    }
}
