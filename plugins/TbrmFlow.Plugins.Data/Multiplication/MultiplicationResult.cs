using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Multiplication;

/// <summary>The generated sets.</summary>
public sealed record MultiplicationResult
{
    /// <summary>Training problems (solutions possibly with mistakes, see <c>step_noise</c>).</summary>
    public required PromptSet Train { get; init; }

    /// <summary>Held-out problems, disjoint from train, clean solutions.</summary>
    public required PromptSet Test { get; init; }
}
