using static TorchSharp.torch;

namespace TbrmFlow.Torch.Checkpoints;

/// <summary>Turns a torch <see cref="Generator"/>'s state into a string for <see cref="TrainingState.RngState"/> and back.</summary>
public static class RngState
{
    /// <summary>The generator's state as base64.</summary>
    public static string Capture(Generator generator)
    {
        using var state = generator.get_state();
        return Convert.ToBase64String(state.data<byte>().ToArray());
    }

    /// <summary>Restores a state captured by <see cref="Capture"/>.</summary>
    public static void Restore(Generator generator, string state)
    {
        var bytes = Convert.FromBase64String(state);
        using var t = tensor(bytes, dtype: ScalarType.Byte);
        generator.set_state(t);
    }
}
