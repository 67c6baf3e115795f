using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Arithmetic;

/// <summary>The generated sets.</summary>
public sealed record ArithmeticResult
{
    /// <summary>Training problems.</summary>
    public required PromptSet Train { get; init; }

    /// <summary>Held-out problems, disjoint from train.</summary>
    public required PromptSet Test { get; init; }
}
