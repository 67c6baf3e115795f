namespace TbrmFlow.Workflows.Model;

/// <summary>What a stage needs; recorded now, used by the queued executor to place stages.</summary>
/// <param name="Gpu">GPUs (0 = none).</param>
/// <param name="Cpu">CPU cores, when declared.</param>
/// <param name="MemoryGb">Memory in GB, when declared.</param>
/// <param name="Queue">Cluster mode: the worker queue to run on (default: <c>gpu</c> when <paramref name="Gpu"/> &gt; 0, else <c>default</c>).</param>
public sealed record ResourceRequest(int Gpu, double? Cpu, double? MemoryGb, string? Queue = null)
{
    /// <summary>Nothing declared.</summary>
    public static ResourceRequest None { get; } = new(0, null, null);
}
