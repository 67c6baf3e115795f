using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Answers;

namespace TbrmFlow.Plugins.Eval.Rewards;

/// <summary>
/// 1 when the extracted answer equals the reference after text normalisation
/// (<see cref="AnswerNormalizer"/>), else 0. No numeric or symbolic reasoning: <c>0.5</c> is not <c>1/2</c>.
/// </summary>
/// <param name="options">How to find the answer in the response; default when null.</param>
public sealed class ExactReward(AnswerExtractionOptions? options = null) : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "exact";

    /// <inheritdoc />
    public double Score(Problem problem, string response)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var predicted = AnswerNormalizer.Normalize(AnswerExtractor.Extract(response, options));
        return predicted.Length > 0 && string.Equals(predicted, AnswerNormalizer.Normalize(problem.Answer), StringComparison.Ordinal) ? 1.0 : 0.0;
    }
}
