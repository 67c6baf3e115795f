using TbrmFlow.Torch.Models.Gpt2;
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
            _ => throw new InvalidDataException($"model_type '{config.ModelType}' is not one of: {string.Join(", ", ModelConfig.KnownModelTypes)}"),
        };
    }

    /// <summary>Creates the model with freshly initialised weights, reproducible for <paramref name="seed"/>.</summary>
    public static CausalLM Create(ModelConfig config, long seed, Device? device = null)
    {
        TorchRuntime.EnsureLoaded();
        var model = CreateEmpty(config);
        using (var generator = new Generator((ulong)seed, CPU))
        {
            model.InitializeWeights(generator);
        }
        if (device is not null && device.type != DeviceType.CPU)
        {
            model.to(device);
        }
        return model;
    }
}
