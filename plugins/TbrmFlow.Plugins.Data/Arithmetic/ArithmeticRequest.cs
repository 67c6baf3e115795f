using TbrmFlow.Abstractions;

namespace TbrmFlow.Plugins.Data.Arithmetic;

/// <summary>
/// Synthetic arithmetic problems whose difficulty is a knob: operand digits, number of operations,
/// operators. Answers are exact integers (usual precedence: <c>*</c> before <c>+</c>/<c>-</c>).
/// With the defaults a question is <c>a+b=</c> and the answer is the sum.
/// </summary>
[Activity("data.arithmetic", Category = "data", Description = "Synthetic arithmetic problems with exact integer answers; disjoint train and test sets.")]
public sealed record ArithmeticRequest : IActivity<ArithmeticResult>
{
    /// <summary>Digits per operand (1-9); 1 means 0-9, d means 10^(d-1) to 10^d - 1.</summary>
    public int Digits { get; init; } = 2;

    /// <summary>Operations per problem (1-8): 1 gives <c>a+b</c>, 2 gives <c>a+b-c</c>.</summary>
    public int Operations { get; init; } = 1;

    /// <summary>Operators to draw from, each uniformly: any of <c>+</c>, <c>-</c>, <c>*</c> (e.g. <c>+-</c>).</summary>
    public string Operators { get; init; } = "+";

    /// <summary>Write a worked step-by-step solution into each problem's <c>solution</c> (an SFT target).</summary>
    public bool ChainOfThought { get; init; }

    /// <summary>
    /// With <c>chain_of_thought</c>: probability (0-1) that an addition step of a TRAINING solution forgets its
    /// carries (<c>102+78=170</c>); the steps after it use the wrong value, so the solution ends in a wrong number
    /// while <c>answer</c> stays right. Held-out solutions are always clean.
    /// </summary>
    public double StepNoise { get; init; }

    /// <summary>Question style: <c>compact</c> (<c>12+34=</c>) or <c>question</c> (<c>What is 12 + 34?</c>).</summary>
    public ArithmeticStyle Style { get; init; } = ArithmeticStyle.Compact;

    /// <summary>Number of training problems.</summary>
    public int TrainSize { get; init; } = 1000;

    /// <summary>Number of held-out problems.</summary>
    public int TestSize { get; init; } = 100;

    /// <summary>Seed; the same seed and settings give the same sets.</summary>
    public int Seed { get; init; } = 1;
}
