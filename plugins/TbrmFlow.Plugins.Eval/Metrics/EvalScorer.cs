using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Answers;
using TbrmFlow.Plugins.Eval.Rewards;

namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>Turns responses into <see cref="ScoredSample"/>s: extract the answer, check it with a reward function.</summary>
/// <param name="reward">The checker; a response is correct when its reward is at least 1.</param>
/// <param name="options">Answer extraction patterns; default when null.</param>
public sealed class EvalScorer(IRewardFunction reward, AnswerExtractionOptions? options = null)
{
    /// <summary>Scores one response.</summary>
    /// <param name="problem">The problem with its reference answer.</param>
    /// <param name="response">The generated text.</param>
    /// <param name="length">Its length in tokens, or null to use characters.</param>
    /// <param name="truncated">Whether generation hit the token limit.</param>
    public ScoredSample Score(Problem problem, string response, int? length = null, bool truncated = false)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new ScoredSample
        {
            Response = response,
            Answer = AnswerExtractor.Extract(response, options),
            Correct = reward.Score(problem, response) >= 1.0,
            Length = length ?? response.Length,
            Truncated = truncated,
        };
    }

    /// <summary>Scores all responses of one problem.</summary>
    public ProblemSamples ScoreAll(Problem problem, IEnumerable<string> responses)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new ProblemSamples(problem.Id, problem.Answer, [.. responses.Select(r => Score(problem, r))]);
    }
}
