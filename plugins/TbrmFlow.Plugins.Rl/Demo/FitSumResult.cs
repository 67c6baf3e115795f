namespace TbrmFlow.Plugins.Rl.Demo;

/// <summary>The fitted line.</summary>
public sealed record FitSumResult
{
    /// <summary>Weight of the first operand (1 when learned).</summary>
    public required double WeightA { get; init; }

    /// <summary>Weight of the second operand (1 when learned).</summary>
    public required double WeightB { get; init; }

    /// <summary>Intercept (0 when learned), in units of the answer.</summary>
    public required double Bias { get; init; }

    /// <summary>Mean squared error at the end, on the scaled target.</summary>
    public required double FinalLoss { get; init; }
}
