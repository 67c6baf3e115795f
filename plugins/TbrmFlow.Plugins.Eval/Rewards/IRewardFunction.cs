using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Eval.Rewards;

/// <summary>Scores one response to one problem; training rewards and evaluation use the same functions.</summary>
public interface IRewardFunction
{
    /// <summary>The registry name (<c>exact</c>, <c>math</c>, ...).</summary>
    string Name { get; }

    /// <summary>Reward for <paramref name="response"/>: 1 for a correct final answer, 0 otherwise (plus any bonus the function defines).</summary>
    double Score(Problem problem, string response);
}
