using TbrmFlow.Engine.Running;
using TbrmFlow.Server.Designer;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Components.Shared;

/// <summary>Maps a run's stage instances onto graph nodes: one status per node, the main metric, progress.</summary>
public static class RunStates
{
    /// <summary>Metrics drawn as the node sparkline, first present wins.</summary>
    public static IReadOnlyList<string> MainMetrics { get; } = ["train/reward_mean", "eval/avg@1", "train/loss"];

    /// <summary>
    /// The graph path of an instance id: <c>evaluate[policy=sft]</c> -> <c>evaluate</c>,
    /// <c>rl[iter=2].update</c> -> <c>rl/update</c>.
    /// </summary>
    public static string PathOf(string instanceId)
    {
        var close = instanceId.LastIndexOf("].", StringComparison.Ordinal);
        var outer = Strip(close >= 0 ? instanceId[..(close + 1)] : instanceId);
        if (close >= 0)
        {
            return $"{outer}/{Strip(instanceId[(close + 2)..])}";
        }
        var dot = instanceId.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && !instanceId[..dot].Contains('[', StringComparison.Ordinal) ? $"{instanceId[..dot]}/{Strip(instanceId[(dot + 1)..])}" : outer;
    }

    private static string Strip(string id)
    {
        var bracket = id.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? id : id[..bracket];
    }

    /// <summary>One status for several instances (<see cref="RunProgress.Combine"/>), by name.</summary>
    public static string Combine(IEnumerable<string> statuses) =>
        Lifecycle.Name(RunProgress.Combine(statuses.Select(Lifecycle.ParseStage)));

    /// <summary>Node states from a run's stage instances (metric sparklines are filled by the caller).</summary>
    public static Dictionary<string, NodeRunState> From(RunDetailDto run, WorkflowGraph graph)
    {
        var result = new Dictionary<string, NodeRunState>(StringComparer.Ordinal);
        foreach (var group in run.Stages.GroupBy(s => PathOf(s.InstanceId)))
        {
            var progress = group.Where(s => s.Progress is { Total: > 0 }).Select(s => (double)s.Progress!.Done / s.Progress.Total).ToList();
            result[group.Key] = new NodeRunState
            {
                Status = Combine(group.Select(s => s.Status)),
                Progress = progress.Count > 0 ? progress.Average() : null,
            };
        }
        foreach (var node in graph.AllNodes.Where(n => !result.ContainsKey(n.Path)))
        {
            result[node.Path] = new NodeRunState();
        }
        return result;
    }
}
