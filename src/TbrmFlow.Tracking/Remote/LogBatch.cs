using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Remote;

/// <summary>One <c>runs/log-batch</c> request's content.</summary>
/// <param name="Metrics">Metric values, each with its key.</param>
/// <param name="Params">Params (unique keys).</param>
/// <param name="Tags">Tags.</param>
public sealed record LogBatch(
    IReadOnlyList<KeyValuePair<string, MetricPoint>> Metrics,
    IReadOnlyList<KeyValuePair<string, string>> Params,
    IReadOnlyList<KeyValuePair<string, string>> Tags)
{
    /// <summary>MLflow's limits per request.</summary>
    public const int MaxMetrics = 1000, MaxParams = 100, MaxTags = 100, MaxItems = 1000;

    /// <summary>Records in this batch.</summary>
    public int Count => Metrics.Count + Params.Count + Tags.Count;

    /// <summary>Splits records into batches within the server's limits (1000 metrics, 100 params,
    /// 100 tags, 1000 items), keeping the order of metrics. Duplicate param keys keep the first value.</summary>
    public static IEnumerable<LogBatch> Split(
        IEnumerable<KeyValuePair<string, MetricPoint>> metrics,
        IEnumerable<KeyValuePair<string, string>> parameters,
        IEnumerable<KeyValuePair<string, string>> tags)
    {
        var m = new Queue<KeyValuePair<string, MetricPoint>>(metrics);
        var p = new Queue<KeyValuePair<string, string>>(parameters.DistinctBy(x => x.Key, StringComparer.Ordinal));
        var t = new Queue<KeyValuePair<string, string>>(tags);
        while (m.Count + p.Count + t.Count > 0)
        {
            var ps = Take(p, MaxParams);
            var ts = Take(t, MaxTags);
            var ms = Take(m, Math.Min(MaxMetrics, MaxItems - ps.Count - ts.Count));
            yield return new LogBatch(ms, ps, ts);
        }
    }

    private static List<T> Take<T>(Queue<T> queue, int count)
    {
        var list = new List<T>(Math.Min(count, queue.Count));
        while (list.Count < count && queue.TryDequeue(out var item))
        {
            list.Add(item);
        }
        return list;
    }
}
