namespace TbrmFlow.Server.Components.Shared;

/// <summary>What the run view shows on a node: status, progress and the main metric's recent values.</summary>
public sealed class NodeRunState
{
    /// <summary>A stage status name (<see cref="Engine.Running.Lifecycle.Name(Engine.Running.StageStatus)"/>).</summary>
    public string Status { get; set; } = Engine.Running.Lifecycle.Name(Engine.Running.StageStatus.Pending);

    /// <summary>0..1, or null when the stage reports none.</summary>
    public double? Progress { get; set; }

    /// <summary>The metric drawn as a sparkline.</summary>
    public string? MetricName { get; set; }

    /// <summary>Its values in step order.</summary>
    public List<double> Metric { get; } = [];
}
