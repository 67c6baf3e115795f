namespace TbrmFlow.Plugins.Rl.Evaluate;

/// <summary>Greedy accuracy.</summary>
public sealed record GreedyEvalResult
{
    /// <summary>Share of problems answered correctly (logged as eval/avg@1).</summary>
    public required double AvgAt1 { get; init; }

    /// <summary>Problems answered correctly.</summary>
    public required int Correct { get; init; }

    /// <summary>Problems evaluated.</summary>
    public required int Total { get; init; }
}
