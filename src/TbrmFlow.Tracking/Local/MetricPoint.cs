namespace TbrmFlow.Tracking.Local;

/// <summary>One logged metric value.</summary>
/// <param name="Timestamp">Milliseconds since the epoch.</param>
/// <param name="Value">The value.</param>
/// <param name="Step">The step.</param>
public sealed record MetricPoint(long Timestamp, double Value, long Step);
