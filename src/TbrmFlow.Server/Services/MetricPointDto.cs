namespace TbrmFlow.Server.Services;

/// <summary>One reported metric value.</summary>
/// <param name="InstanceId">The stage instance that reported it.</param>
/// <param name="Step">The step it was reported at.</param>
/// <param name="Key">Metric name, e.g. <c>train/reward_mean</c>.</param>
/// <param name="Value">The value (NaN and infinities serialise as strings).</param>
public sealed record MetricPointDto(string InstanceId, long Step, string Key, double Value);
