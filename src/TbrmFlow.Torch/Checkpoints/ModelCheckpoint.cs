using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Checkpoints;

/// <summary>
/// A checkpoint directory in Hugging Face layout: <c>config.json</c>, <c>model.safetensors</c>
/// (or shards + index), tokenizer files, and <c>tbrmflow.json</c> (<see cref="TrainingState"/>).
/// </summary>
public sealed class ModelCheckpoint : IDisposable
{
    private ModelCheckpoint(CausalLM model, ITokenizer tokenizer, TrainingState state)
    {
        Model = model;
        Tokenizer = tokenizer;
        State = state;
    }

    /// <summary>The model, on the requested device, in eval mode.</summary>
    public CausalLM Model { get; }

    /// <summary>The tokenizer stored with it.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The training state (<c>tbrmflow.json</c>; step 0 when absent).</summary>
    public TrainingState State { get; }

    /// <summary>Loads a checkpoint directory.</summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="device">Where to put the model (default CPU).</param>
    /// <exception cref="InvalidDataException">With the file and what is wrong in it.</exception>
    public static ModelCheckpoint Load(string directory, Device? device = null)
    {
        TorchRuntime.EnsureLoaded();
        if (!Directory.Exists(directory))
        {
            throw new InvalidDataException($"checkpoint directory not found: {directory}");
        }
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath))
        {
            throw new InvalidDataException($"{directory}: config.json is missing (not a checkpoint directory?)");
        }
        var config = ModelConfig.Load(configPath);
        var tokenizer = TokenizerFiles.Load(directory);
        if (tokenizer.VocabSize > config.VocabSize)
        {
            throw new InvalidDataException($"{directory}: tokenizer has {tokenizer.VocabSize} ids but vocab_size is {config.VocabSize}");
        }
        var model = ModelFactory.CreateEmpty(config);
        StateDictIO.Load(model, directory, IgnoredNames(config));
        if (device is not null && device.type != DeviceType.CPU)
        {
            model.to(device);
        }
        model.eval();
        return new ModelCheckpoint(model, tokenizer, TrainingState.Load(directory));
    }

    /// <summary>Writes model, config, tokenizer and training state into <paramref name="directory"/> (created if needed).</summary>
    public static void Save(string directory, CausalLM model, ITokenizer tokenizer, TrainingState? state = null)
    {
        Directory.CreateDirectory(directory);
        var config = model.Config with
        {
            EosTokenId = tokenizer.EosId,
            PadTokenId = tokenizer.PadId,
            BosTokenId = tokenizer.BosId,
        };
        config.Save(Path.Combine(directory, "config.json"));
        StateDictIO.Save(model, directory);
        tokenizer.Save(directory);
        (state ?? new TrainingState()).Save(directory);
    }

    // Old GPT-2 checkpoints carry the causal-mask buffers; Qwen2 ones may carry rotary inv_freq.
    private static Func<string, bool> IgnoredNames(ModelConfig config) => config.ModelType switch
    {
        "gpt2" => n => n.EndsWith(".attn.bias", StringComparison.Ordinal) || n.EndsWith(".attn.masked_bias", StringComparison.Ordinal),
        _ => n => n.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal),
    };

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
