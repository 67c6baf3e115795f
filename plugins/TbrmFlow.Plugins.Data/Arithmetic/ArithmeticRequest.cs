using TbrmFlow.Abstractions;

namespace TbrmFlow.Plugins.Data.Arithmetic;

/// <summary>Synthetic arithmetic problems: <c>a+b=</c> with a chosen number of digits.</summary>
[Activity("data.arithmetic", Category = "data", Description = "Synthetic arithmetic problems with exact integer answers; disjoint train and test sets.")]
public sealed record ArithmeticRequest : IActivity<ArithmeticResult>
{
    /// <summary>Digits per operand (1-9).</summary>
    public int Digits { get; init; } = 2;

    /// <summary>Number of training problems.</summary>
    public int TrainSize { get; init; } = 1000;

    /// <summary>Number of held-out problems.</summary>
    public int TestSize { get; init; } = 100;

    /// <summary>Seed; the same seed gives the same sets.</summary>
    public int Seed { get; init; } = 1;
}
