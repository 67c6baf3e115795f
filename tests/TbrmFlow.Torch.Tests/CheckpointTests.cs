using System.Text.Json;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

public class CheckpointTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("qwen2")]
    public void Checkpoint_RoundTrips_BitExactly(string family)
    {
        using var model = TestModels.Create(family, seed: 5);
        var dir = TestModels.TempDir();
        var state = new TrainingState { Step = 42, DataPosition = 4096, Lineage = ["sft@abc"], Producer = "rl.tbrm" };
        ModelCheckpoint.Save(dir, model, TestModels.Tokenizer(), state);

        using var loaded = ModelCheckpoint.Load(dir);
        var a = model.state_dict();
        var b = loaded.Model.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, t) in a)
        {
            Assert.True(TestModels.Same(t, b[name]), $"{name} differs after the round trip");
        }
        Assert.Equal(model.Config with { EosTokenId = 1, PadTokenId = 0 }, loaded.Model.Config);
        Assert.Equal(42, loaded.State.Step);
        Assert.Equal(["sft@abc"], loaded.State.Lineage);
        Assert.Equal(TestModels.Tokenizer().Alphabet, ((CharTokenizer)loaded.Tokenizer).Alphabet);
    }

    [Fact]
    public void Gpt2_UsesHuggingFaceNames_AndConv1DLayout()
    {
        using var model = TestModels.Create();
        var dict = model.state_dict();
        Assert.Equal([64, 192], dict["transformer.h.0.attn.c_attn.weight"].shape);
        Assert.Equal([64, 256], dict["transformer.h.1.mlp.c_fc.weight"].shape);
        Assert.Contains("transformer.wte.weight", dict.Keys);
        Assert.Contains("transformer.wpe.weight", dict.Keys);
        Assert.Contains("transformer.ln_f.bias", dict.Keys);
        Assert.DoesNotContain(dict.Keys, k => k.StartsWith("lm_head", StringComparison.Ordinal)); // tied
    }

    [Fact]
    public void Load_ListsMissingAndUnexpectedTensors()
    {
        using var model = TestModels.Create();
        var dir = TestModels.TempDir();
        ModelCheckpoint.Save(dir, model, TestModels.Tokenizer());
        var path = Path.Combine(dir, StateDictIO.WeightsFile);
        var dict = Safetensors.LoadStateDict(path, null);
        dict["transformer.h.0.ln_9.weight"] = dict["transformer.h.0.ln_1.weight"];
        dict.Remove("transformer.h.1.mlp.c_fc.bias");
        Safetensors.SaveStateDict(path, dict);

        var e = Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(dir));
        Assert.Contains("Missing (1): transformer.h.1.mlp.c_fc.bias", e.Message);
        Assert.Contains("Unexpected (1): transformer.h.0.ln_9.weight", e.Message);
    }

    [Fact]
    public void Load_NamesTensorAndBothShapes_OnShapeMismatch()
    {
        using var model = TestModels.Create();
        var dir = TestModels.TempDir();
        ModelCheckpoint.Save(dir, model, TestModels.Tokenizer());
        var path = Path.Combine(dir, StateDictIO.WeightsFile);
        var dict = Safetensors.LoadStateDict(path, null);
        dict["transformer.wpe.weight"] = zeros(32, 64);
        Safetensors.SaveStateDict(path, dict);

        var e = Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(dir));
        Assert.Contains("'transformer.wpe.weight' has shape [32, 64] in the file but [64, 64] in the model", e.Message);
    }

    [Fact]
    public void ShardedWeights_LoadThroughTheIndex()
    {
        using var model = TestModels.Create("qwen2", seed: 8);
        var dir = TestModels.TempDir();
        ModelCheckpoint.Save(dir, model, TestModels.Tokenizer());
        var single = Path.Combine(dir, StateDictIO.WeightsFile);
        var dict = Safetensors.LoadStateDict(single, null);
        var names = dict.Keys.Order(StringComparer.Ordinal).ToList();
        var shards = new[] { names.Take(names.Count / 2).ToList(), names.Skip(names.Count / 2).ToList() };
        var map = new Dictionary<string, string>();
        for (var i = 0; i < 2; i++)
        {
            var file = $"model-0000{i + 1}-of-00002.safetensors";
            Safetensors.SaveStateDict(Path.Combine(dir, file), shards[i].ToDictionary(n => n, n => dict[n]));
            foreach (var n in shards[i])
            {
                map[n] = file;
            }
        }
        File.Delete(single);
        File.WriteAllText(Path.Combine(dir, StateDictIO.IndexFile), JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map }));

        using var loaded = ModelCheckpoint.Load(dir);
        foreach (var (name, t) in model.state_dict())
        {
            Assert.True(TestModels.Same(t, loaded.Model.state_dict()[name]), name);
        }
    }

    [Fact]
    public void Gpt2_FileFromGpt2Model_WithoutPrefixAndWithOldBuffers_Loads()
    {
        using var model = TestModels.Create(seed: 12);
        var dir = TestModels.TempDir();
        ModelCheckpoint.Save(dir, model, TestModels.Tokenizer());
        var path = Path.Combine(dir, StateDictIO.WeightsFile);
        var dict = Safetensors.LoadStateDict(path, null).ToDictionary(kv => kv.Key["transformer.".Length..], kv => kv.Value);
        dict["h.0.attn.bias"] = ones(1, 1, 64, 64);
        dict["lm_head.weight"] = dict["wte.weight"];
        Safetensors.SaveStateDict(path, dict);

        using var loaded = ModelCheckpoint.Load(dir);
        Assert.True(TestModels.Same(model.state_dict()["transformer.h.1.mlp.c_fc.weight"], loaded.Model.state_dict()["transformer.h.1.mlp.c_fc.weight"]));
    }

    [Fact]
    public void TrainingState_KeepsFieldsItDoesNotKnow()
    {
        var dir = TestModels.TempDir();
        File.WriteAllText(Path.Combine(dir, TrainingState.FileName), """{"step": 7, "tbrm": {"beta": 0.05}}""");
        var state = TrainingState.Load(dir);
        Assert.Equal(7, state.Step);
        state.Save(dir);
        var reread = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, TrainingState.FileName)));
        Assert.Equal(0.05, reread.RootElement.GetProperty("tbrm").GetProperty("beta").GetDouble());
    }

    [Fact]
    public void RngState_RestoresTheSameStream()
    {
        using var g = new Generator(9, CPU);
        var saved = RngState.Capture(g);
        using var a = rand(5, generator: g);
        RngState.Restore(g, saved);
        using var b = rand(5, generator: g);
        Assert.True(TestModels.Same(a, b));
    }

    [Fact]
    public void Config_RoundTripsThroughHuggingFaceJson()
    {
        var config = ModelPresets.Create("tiny", 100) with { EosTokenId = 1, PadTokenId = 0 };
        var dir = TestModels.TempDir();
        config.Save(Path.Combine(dir, "config.json"));
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))).RootElement;
        Assert.Equal(128, json.GetProperty("n_embd").GetInt32());
        Assert.Equal(config, ModelConfig.Load(Path.Combine(dir, "config.json")));
    }

    [Fact]
    public void Config_UnknownModelType_ListsKnownOnes()
    {
        var dir = TestModels.TempDir();
        var path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, """{"model_type": "llama9", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2}""");
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.Load(path));
        Assert.Contains("model_type 'llama9' is not one of: gpt2, qwen2, llama", e.Message);
    }
}
