using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Answers;

namespace TbrmFlow.Plugins.Eval.Rewards;

/// <summary>
/// Wraps another reward and adds <paramref name="bonus"/> when the response puts its answer in
/// <c>\boxed{}</c>, correct or not (the "format" reward of R1-style recipes).
/// </summary>
/// <param name="inner">The correctness reward.</param>
/// <param name="bonus">Added for a boxed answer.</param>
public sealed class FormatBonusReward(IRewardFunction inner, double bonus = 0.1) : IRewardFunction
{
    /// <inheritdoc />
    public string Name => inner.Name + "+format";

    /// <inheritdoc />
    public double Score(Problem problem, string response) =>
        inner.Score(problem, response) + (AnswerExtractor.LastBoxed(response ?? string.Empty) is { Length: > 0 } ? bonus : 0.0);
}
