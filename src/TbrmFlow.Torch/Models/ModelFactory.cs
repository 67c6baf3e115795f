using TbrmFlow.Torch.Models.Gpt2;
using TbrmFlow.Torch.Models.Qwen2;
using TorchSharp;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>Builds a <see cref="CausalLM"/> for a config's <c>model_type</c>.</summary>
public static class ModelFactory
{
    /// <summary>Creates the model with uninitialised weights (use before loading a checkpoint).</summary>
    /// <exception cref="InvalidDataException">For an unknown model_type, listing the known ones.</exception>
    public static CausalLM CreateEmpty(ModelConfig config)
    {
        config.Validate();
        return config.ModelType switch
        {
            "gpt2" => new Gpt2Model(config),
            "qwen2" or "llama" => new Qwen2Model(config),
            _ => throw new InvalidDataException($"model_type '{config.ModelType}' is not one of: {string.Join(", ", ModelConfig.KnownModelTypes)}"),
        };
    }

    /// <summary>
    /// Creates the model with freshly initialised weights, reproducible for <paramref name="seed"/>
    /// (initialised in float32 on CPU, then moved to <paramref name="device"/> and <paramref name="dtype"/>).
    /// </summary>
    public static CausalLM Create(ModelConfig config, long seed, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        TorchRuntime.EnsureLoaded();
        var model = CreateEmpty(config);
        using (var generator = new Generator((ulong)seed, CPU))
        {
            model.InitializeWeights(generator);
        }
        Place(model, device, dtype);
        return model;
    }

    /// <summary>Moves a model to a device and dtype (no-op for CPU / float32).</summary>
    public static void Place(CausalLM model, Device? device, ScalarType dtype)
    {
        if (device is not null && device.type != DeviceType.CPU)
        {
            model.to(device);
        }
        if (dtype != ScalarType.Float32)
        {
            ModelDType.Name(dtype);
            model.to(dtype);
        }
    }
}
