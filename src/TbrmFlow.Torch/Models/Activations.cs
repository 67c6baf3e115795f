using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>
/// The MLP activations of Hugging Face's ACT2FN that configs name (<c>activation_function</c>, <c>hidden_act</c>):
/// gelu (exact, erf), gelu_new / gelu_pytorch_tanh / gelu_fast (the tanh approximation), quick_gelu
/// (x * sigmoid(1.702 x)), relu, silu / swish, tanh, sigmoid.
/// </summary>
public static class Activations
{
    /// <summary>The names accepted.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "quick_gelu", "relu", "silu", "swish", "tanh", "sigmoid"];

    /// <summary>x -> act(x), elementwise, same shape.</summary>
    /// <exception cref="InvalidDataException">For a name not in <see cref="Names"/>.</exception>
    public static Func<Tensor, Tensor> Get(string name) => name switch
    {
        "gelu" => x => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => nn.functional.gelu(x, GELU.Approximate.tanh),
        "quick_gelu" => x => x * (x * 1.702).sigmoid(),
        "relu" => x => nn.functional.relu(x),
        "silu" or "swish" => x => nn.functional.silu(x),
        "tanh" => x => x.tanh(),
        "sigmoid" => x => x.sigmoid(),
        _ => throw new InvalidDataException($"activation '{name}' is not one of: {string.Join(", ", Names)}"),
    };
}
