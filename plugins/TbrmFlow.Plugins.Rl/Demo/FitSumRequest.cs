using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Demo;

/// <summary>
/// The walking skeleton's TorchSharp stage: fits <c>y = w1*a + w2*b + c</c> to the problems of an
/// addition PromptSet by gradient descent. Learning addition this way gives w1 = w2 = 1, c = 0.
/// </summary>
[Activity("demo.fit_sum", Category = "demo", Description = "Fits a linear model to a+b problems with TorchSharp (a smoke test of the native stack).")]
public sealed record FitSumRequest : IActivity<FitSumResult>
{
    /// <summary>Problems whose meta holds the operands a and b.</summary>
    public required PromptSet Problems { get; init; }

    /// <summary>Full-batch gradient steps.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Seed for the initial weights.</summary>
    public int Seed { get; init; } = 1;
}
