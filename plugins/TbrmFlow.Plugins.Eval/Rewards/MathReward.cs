using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Answers;

namespace TbrmFlow.Plugins.Eval.Rewards;

/// <summary>1 when the extracted answer is equivalent to the reference (<see cref="AnswerEquivalence"/>), else 0.</summary>
/// <param name="options">How to find the answer in the response; default when null.</param>
public sealed class MathReward(AnswerExtractionOptions? options = null) : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "math";

    /// <inheritdoc />
    public double Score(Problem problem, string response)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return AnswerEquivalence.AreEqual(AnswerExtractor.Extract(response, options), problem.Answer) ? 1.0 : 0.0;
    }
}
