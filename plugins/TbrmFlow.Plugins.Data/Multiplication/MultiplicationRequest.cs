using TbrmFlow.Abstractions;

namespace TbrmFlow.Plugins.Data.Multiplication;

/// <summary>
/// Long multiplication with a scratchpad: a long-reasoning toy task. The question is <c>347*68=</c>; the worked
/// solution (the SFT target, <c>solution</c>) writes one partial product per digit of the second operand and then
/// the running sums, <c>347*8=2776;347*60=20820;2776+20820=23596</c>, so the last number is the answer and a
/// response is 30-100 characters (tokens of the character tokenizer) long.
/// </summary>
[Activity("data.multiplication", Category = "data", Description = "Long multiplication with a worked scratchpad (partial products, running sums): responses of 30-100 tokens; optional systematic mistakes inside the training solutions.")]
public sealed record MultiplicationRequest : IActivity<MultiplicationResult>
{
    /// <summary>Digits of the first operand (1-6).</summary>
    public int DigitsA { get; init; } = 3;

    /// <summary>Digits of the second operand (1-4): one partial product per digit.</summary>
    public int DigitsB { get; init; } = 2;

    /// <summary>
    /// Probability (0-1) that a partial product in a TRAINING solution is written without its carries
    /// (<c>347*8</c> -> <c>2426</c>: each digit product's units, the leftmost in full); the sums that follow are
    /// computed correctly from the wrong partial, so the worked solution ends in a wrong final answer while
    /// <c>answer</c> stays correct. Held-out solutions are always clean.
    /// </summary>
    public double StepNoise { get; init; }

    /// <summary>Number of training problems.</summary>
    public int TrainSize { get; init; } = 1000;

    /// <summary>Number of held-out problems (disjoint from train).</summary>
    public int TestSize { get; init; } = 100;

    /// <summary>Seed; the same seed and settings give the same sets.</summary>
    public int Seed { get; init; } = 1;
}
