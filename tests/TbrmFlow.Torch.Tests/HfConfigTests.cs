using System.Text.Json.Nodes;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Models.Qwen2;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

/// <summary>config.json read as transformers reads it: its defaults for omitted keys, unsupported values refused.</summary>
public class HfConfigTests
{
    private static ModelConfig Parse(string json) => ModelConfig.FromJson((JsonObject)JsonNode.Parse(json)!);

    [Fact]
    public void UntiedQwen2_WhoseConfigOmitsTieWordEmbeddings_Loads()
    {
        var config = ModelPresets.Create("toy", TestModels.Tokenizer().VocabSize, "qwen2", 64) with { TieWordEmbeddings = false };
        using var model = ModelFactory.Create(config, seed: 5);
        var dir = TestModels.TempDir();
        ModelCheckpoint.Save(dir, model, TestModels.Tokenizer());                             // model.safetensors with lm_head.weight
        var path = Path.Combine(dir, "config.json");
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;
        Assert.True(json.Remove("tie_word_embeddings"));
        File.WriteAllText(path, json.ToJsonString());
        using var loaded = ModelCheckpoint.Load(dir);                                        // Qwen2Config's default: untied
        Assert.False(loaded.Model.Config.TieWordEmbeddings);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(new long[] { 3, 4, 12, 5, 13 }).unsqueeze(0);
        Assert.True(TestModels.Same(model.Forward(x), loaded.Model.Forward(x)));
    }

    [Fact]
    public void OmittedKeys_TakeTransformersDefaults()
    {
        var qwen = Parse("""{"model_type": "qwen2"}""");
        Assert.Equal((151936, 4096, 32, 32, 32, 22016, 32768, false), (qwen.VocabSize, qwen.HiddenSize, qwen.NumHiddenLayers, qwen.NumAttentionHeads,
            qwen.KeyValueHeads, qwen.MlpWidth, qwen.MaxPositionEmbeddings, qwen.TieWordEmbeddings));
        Assert.Equal(("silu", 10000.0, 1e-6, 128), (qwen.Activation, qwen.RopeTheta, qwen.RmsNormEps, qwen.HeadDim));
        Assert.True(qwen.QkvBias);

        var gpt2 = Parse("""{"model_type": "gpt2"}""");
        Assert.Equal((50257, 768, 12, 12, 12, 3072, 1024, true), (gpt2.VocabSize, gpt2.HiddenSize, gpt2.NumHiddenLayers, gpt2.NumAttentionHeads,
            gpt2.KeyValueHeads, gpt2.MlpWidth, gpt2.MaxPositionEmbeddings, gpt2.TieWordEmbeddings));
        Assert.Equal(("gelu_new", 1e-5, 50256, 50256), (gpt2.Activation, gpt2.LayerNormEpsilon, gpt2.BosTokenId, gpt2.EosTokenId));

        var llama = Parse("""{"model_type": "llama", "num_attention_heads": 8}""");
        Assert.Equal((32000, 4096, 8, 8, 11008, 2048, false), (llama.VocabSize, llama.HiddenSize, llama.NumAttentionHeads, llama.KeyValueHeads,
            llama.MlpWidth, llama.MaxPositionEmbeddings, llama.TieWordEmbeddings));                // kv heads None -> query heads
        Assert.Equal((1, 2, false, 512), (llama.BosTokenId, llama.EosTokenId, llama.QkvBias, llama.HeadDim));

        // Qwen2Config's num_key_value_heads default is 32 (not the query heads); an explicit null means "= heads".
        Assert.Equal(14, Parse("""{"model_type": "qwen2", "hidden_size": 896, "num_attention_heads": 14, "num_key_value_heads": null}""").KeyValueHeads);
        var e = Assert.Throws<InvalidDataException>(() => Parse("""{"model_type": "qwen2", "hidden_size": 896, "num_attention_heads": 14}"""));
        Assert.Contains("num_attention_heads (14) must be a multiple of num_key_value_heads (32)", e.Message);
    }

    [Theory]
    [InlineData("""{"model_type": "gpt2", "activation_function": "mish"}""", "activation_function 'mish' is not one of: gelu, gelu_new")]
    [InlineData("""{"model_type": "qwen2", "hidden_act": "mish"}""", "hidden_act 'mish' is not one of: gelu, gelu_new")]
    [InlineData("""{"model_type": "qwen2", "rope_scaling": {"rope_type": "yarn", "factor": 4}}""", "rope_scaling.rope_type 'yarn' is not one of: default, linear, llama3")]
    [InlineData("""{"model_type": "llama", "rope_scaling": {"type": "linear"}}""", "rope_scaling.factor is missing")]
    [InlineData("""{"model_type": "qwen2", "use_sliding_window": true}""", "use_sliding_window = true is not supported (allowed: false")]
    [InlineData("""{"model_type": "llama", "mlp_bias": true}""", "mlp_bias = true is not supported (allowed: false)")]
    [InlineData("""{"model_type": "gpt2", "scale_attn_by_inverse_layer_idx": true}""", "scale_attn_by_inverse_layer_idx = true is not supported (allowed: false)")]
    [InlineData("""{"model_type": "gpt2", "scale_attn_weights": false}""", "scale_attn_weights = false is not supported (allowed: true)")]
    [InlineData("""{"model_type": "qwen2", "attention_bias": false}""", "attention_bias = false is not supported")]
    public void UnsupportedValues_AreRefused_NamingTheFieldAndAllowedValues(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => Parse(json));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Activations_HandComputed()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { -1f, 0f, 1f, 2f });
        void Check(string name, double[] expected)
        {
            var y = Activations.Get(name)(x);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - y[i].item<float>()) < 2e-6, $"{name}({x[i].item<float>()}) = {y[i].item<float>()}, expected {expected[i]}");
            }
        }
        Check("gelu", [-0.1586553, 0, 0.8413447, 1.9544997]);                                 // x * Phi(x)
        Check("gelu_new", [-0.1588080, 0, 0.8411920, 1.9545977]);                             // tanh approximation
        Check("quick_gelu", [-0.1542042, 0, 0.8457958, 1.9356586]);                           // x * sigmoid(1.702 x)
        Check("relu", [0, 0, 1, 2]);
        Check("silu", [-0.2689414, 0, 0.7310586, 1.7615942]);
    }

    [Fact]
    public void Gpt2ActivationFunction_IsUsed()
    {
        var gelu = ModelPresets.Create("toy", TestModels.Tokenizer().VocabSize, "gpt2", 64);
        using var a = ModelFactory.Create(gelu, seed: 2);
        using var b = ModelFactory.Create(gelu with { HiddenAct = "relu" }, seed: 2);             // same weights
        var dir = TestModels.TempDir();
        ModelCheckpoint.Save(dir, b, TestModels.Tokenizer());
        using var loaded = ModelCheckpoint.Load(dir);
        Assert.Equal("relu", loaded.Model.Config.Activation);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(new long[] { 3, 4, 12, 5 }).unsqueeze(0);
        Assert.True(TestModels.Same(b.Forward(x), loaded.Model.Forward(x)));
        Assert.True((a.Forward(x) - b.Forward(x)).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void HeadDim_WhenGiven_SizesTheProjections()
    {
        var config = Parse("""{"model_type": "qwen2", "vocab_size": 16, "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 32, "intermediate_size": 96, "max_position_embeddings": 32}""");
        Assert.Equal(32, config.HeadDim);
        using var model = ModelFactory.Create(config, seed: 1);
        Assert.Equal([128, 64], model.state_dict()["model.layers.0.self_attn.q_proj.weight"].shape);   // 4 heads x 32
        Assert.Equal([64, 128], model.state_dict()["model.layers.0.self_attn.o_proj.weight"].shape);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Assert.Equal([1, 5, 16], model.Forward(tensor(new long[] { 1, 2, 3, 4, 5 }).unsqueeze(0)).shape);
        Assert.Equal(config, Parse(config.ToJson().ToJsonString()));                             // head_dim written and read back
    }

    [Fact]
    public void Llama_HasNoQkvBias_UnlessAttentionBias()
    {
        using var plain = TestModels.Create("llama");
        Assert.DoesNotContain("model.layers.0.self_attn.q_proj.bias", plain.state_dict().Keys);
        var config = Parse(plain.Config.ToJson().ToJsonString());
        Assert.Equal(plain.Config, config);
        using var biased = ModelFactory.Create(config with { AttentionBias = true }, seed: 1);
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", biased.state_dict().Keys);
    }

    [Fact]
    public void RopeScaling_Linear_DividesFrequencies_Llama3_BlendsThem()
    {
        var linear = RopeScaling.FromJson(JsonNode.Parse("""{"rope_type": "linear", "factor": 4}"""))!;
        Assert.Equal([0.25, 0.025], linear.Apply([1.0, 0.1]));
        var llama3 = RopeScaling.FromJson(JsonNode.Parse(
            """{"rope_type": "llama3", "factor": 8, "low_freq_factor": 1, "high_freq_factor": 4, "original_max_position_embeddings": 8192}"""))!;
        // wavelengths 2 pi / f: 6.28 (< 2048: kept), 62832 (> 8192: / 8), 4096 (between: blend with smooth = 8192/4096 - 1 over 3 = 1/3).
        var mid = 2 * Math.PI / 4096;
        var scaled = llama3.Apply([1.0, 1e-4, mid]);
        Assert.Equal(1.0, scaled[0], 12);
        Assert.Equal(1e-4 / 8, scaled[1], 12);
        Assert.Equal(((2.0 / 3) * mid / 8) + (mid / 3), scaled[2], 12);
        Assert.Null(RopeScaling.FromJson(JsonNode.Parse("""{"rope_type": "default"}""")));

        // In the model: linear factor 2 at position p uses the default angles of position p / 2.
        using var scope = NewDisposeScope();
        var (cos, sin) = Rotary.Angles(tensor(new long[] { 0, 2, 4 }).unsqueeze(0), 8, 10000, ScalarType.Float32, linear with { Factor = 2 });
        var (cos1, sin1) = Rotary.Angles(tensor(new long[] { 0, 1, 2 }).unsqueeze(0), 8, 10000, ScalarType.Float32);
        Assert.True((cos - cos1).abs().max().item<float>() < 1e-6 && (sin - sin1).abs().max().item<float>() < 1e-6);
    }
}
