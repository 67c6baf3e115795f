namespace TbrmFlow.Server.Components.Shared;

/// <summary>What the run view shows on a node: status, progress and the main metric's recent values.</summary>
public sealed class NodeRunState
{
    /// <summary>pending, running, succeeded, failed, cancelled, skipped, cached.</summary>
    public string Status { get; set; } = "pending";

    /// <summary>0..1, or null when the stage reports none.</summary>
    public double? Progress { get; set; }

    /// <summary>The metric drawn as a sparkline.</summary>
    public string? MetricName { get; set; }

    /// <summary>Its values in step order.</summary>
    public List<double> Metric { get; } = [];
}
