namespace TbrmFlow.Tracking.Compare;

/// <summary>Which way a metric improves.</summary>
public enum MetricGoal
{
    /// <summary>Neither (a size, a length, an entropy): no "best" is picked.</summary>
    None,

    /// <summary>Smaller is better (loss, KL, error, time, memory).</summary>
    Lower,

    /// <summary>Larger is better (reward, accuracy, avg@k, pass@k, throughput).</summary>
    Higher,
}
