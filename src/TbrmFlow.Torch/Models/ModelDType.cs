using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>Weight/compute dtypes by their Hugging Face names.</summary>
public static class ModelDType
{
    /// <summary>The names accepted.</summary>
    public static IReadOnlyList<string> Names { get; } = ["float32", "bfloat16"];

    /// <summary><c>float32</c> or <c>bfloat16</c> -> the scalar type.</summary>
    /// <exception cref="ArgumentException">For any other name, listing the allowed ones.</exception>
    public static ScalarType Parse(string name) => name switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"dtype '{name}' is not one of: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>The Hugging Face name of a supported scalar type.</summary>
    public static string Name(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        _ => throw new ArgumentException($"dtype {type} is not one of: {string.Join(", ", Names)}", nameof(type)),
    };
}
