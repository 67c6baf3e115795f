namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>A metric over problems with its bootstrap 95% interval.</summary>
/// <param name="Value">Mean of the per-problem values.</param>
/// <param name="CiLow">2.5th percentile of the bootstrap means.</param>
/// <param name="CiHigh">97.5th percentile of the bootstrap means.</param>
public sealed record MetricInterval(double Value, double CiLow, double CiHigh);
