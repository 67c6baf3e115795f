using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;

namespace TbrmFlow.Tracking.Compare;

/// <summary>
/// Runs side by side: the params that differ, the final value of every metric, and the runs that
/// carry the chosen metric (a workflow run's stage runs stand in for it when it has none itself).
/// </summary>
public sealed record RunComparison
{
    /// <summary>The compared runs, in the order asked.</summary>
    public required IReadOnlyList<StoredRun> Runs { get; init; }

    /// <summary>Params whose values are not the same in every run (missing = null).</summary>
    public required IReadOnlyDictionary<string, string?[]> DifferingParams { get; init; }

    /// <summary>The last value (highest step, then latest) of every metric per run, stage runs' as <c>stage: key</c>.</summary>
    public required IReadOnlyDictionary<string, double?[]> FinalMetrics { get; init; }

    /// <summary>Legend names of the runs, in order: workflow and the params that differ (<see cref="RunLabels"/>).</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>The chart metric: one panel per stage (its own y axis), a line per run with that stage; the runs' own values first.</summary>
    public required IReadOnlyList<ChartPanel> Panels { get; init; }

    /// <summary>Builds the comparison from runs and, per run, its stage runs.</summary>
    public static RunComparison Build(IReadOnlyList<(StoredRun Run, IReadOnlyList<StoredRun> Children)> runs, string metric)
    {
        var differing = new SortedDictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (var key in runs.SelectMany(r => r.Run.Params.Keys).Distinct())
        {
            var values = runs.Select(r => r.Run.Params.GetValueOrDefault(key)).ToArray();
            if (values.Distinct().Count() > 1)
            {
                differing[key] = values;
            }
        }
        // A workflow run's own metrics, then its stage runs' as "stage: key".
        var perRun = runs.Select(r => r.Run.Metrics
            .Concat(r.Children.SelectMany(c => c.Metrics.Select(m => KeyValuePair.Create(c.RunName + ": " + m.Key, m.Value))))
            .DistinctBy(m => m.Key, StringComparer.Ordinal)
            .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal)).ToList();
        var finals = new SortedDictionary<string, double?[]>(StringComparer.Ordinal);
        foreach (var key in perRun.SelectMany(m => m.Keys).Distinct())
        {
            finals[key] = [.. perRun.Select(m => m.TryGetValue(key, out var points) && points.Count > 0
                ? points.OrderBy(p => p.Step).ThenBy(p => p.Timestamp).Last().Value : (double?)null)];
        }
        var labels = RunLabels.For([.. runs.Select(r => (r.Run.RunId, WorkflowName(r.Run), r.Run.Params))]);
        var panels = new List<ChartPanel>();
        if (runs.Any(r => r.Run.Metrics.ContainsKey(metric)))
        {
            panels.Add(new ChartPanel(MetricChart.Title("workflow run", metric),
                [.. runs.Select((r, i) => (r, i)).Where(x => x.r.Run.Metrics.ContainsKey(metric)).Select(x => new ChartLine(labels[x.i], x.i, x.r.Run.Metrics[metric]))]));
        }
        foreach (var stage in runs.SelectMany(r => r.Children).Where(c => c.Metrics.ContainsKey(metric)).Select(c => c.RunName).Distinct(StringComparer.Ordinal))
        {
            panels.Add(new ChartPanel(MetricChart.Title(stage, metric), [.. runs.SelectMany((r, i) => r.Children
                .Where(c => c.RunName == stage && c.Metrics.ContainsKey(metric))
                .Select(c => new ChartLine(labels[i], i, c.Metrics[metric])))]));
        }
        return new RunComparison { Runs = [.. runs.Select(r => r.Run)], DifferingParams = differing, FinalMetrics = finals, Labels = labels, Panels = panels };
    }

    /// <summary>A TbrmFlow parent run is named <c>WORKFLOW-xxxxxx</c> (the end of its run id): the workflow's name; other runs keep their name.</summary>
    public static string WorkflowName(StoredRun run) =>
        run.Tags.TryGetValue(MlflowTags.RunId, out var id) && id.Length >= 6 && run.RunName.EndsWith("-" + id[^6..], StringComparison.Ordinal)
            ? run.RunName[..^7]
            : run.RunName;

    /// <summary>Loads runs (full ids or unique prefixes) and their stage runs from a local store.</summary>
    public static IReadOnlyList<(StoredRun, IReadOnlyList<StoredRun>)> LoadLocal(MlflowFileStore store, IEnumerable<string> runIds)
    {
        var all = store.RunDirectories().ToList();
        var result = new List<(StoredRun, IReadOnlyList<StoredRun>)>();
        foreach (var id in runIds)
        {
            var matches = all.Where(d => Path.GetFileName(d).StartsWith(id, StringComparison.Ordinal)).ToList();
            if (matches.Count != 1)
            {
                throw new ArgumentException(matches.Count == 0 ? $"no run '{id}' in {store.Root}" : $"'{id}' matches {matches.Count} runs; give more of the id");
            }
            var run = LocalRunReader.Read(matches[0]);
            var children = Directory.EnumerateDirectories(Path.GetDirectoryName(matches[0])!)
                .Where(d => File.Exists(Path.Combine(d, "tags", MlflowTags.ParentRunId))
                            && File.ReadAllText(Path.Combine(d, "tags", MlflowTags.ParentRunId)) == run.RunId)
                .Select(LocalRunReader.Read).OrderBy(c => c.StartTime).ToList();
            result.Add((run, children));
        }
        return result;
    }

    /// <summary>Loads runs and their stage runs from an MLflow server.</summary>
    public static async Task<IReadOnlyList<(StoredRun, IReadOnlyList<StoredRun>)>> LoadRemoteAsync(MlflowRestClient client, IEnumerable<string> runIds, CancellationToken ct)
    {
        var result = new List<(StoredRun, IReadOnlyList<StoredRun>)>();
        foreach (var id in runIds)
        {
            var run = await client.GetRunAsync(id, ct);
            var children = new List<StoredRun>();
            foreach (var child in await client.ChildRunIdsAsync(run.ExperimentId, run.RunId, ct))
            {
                children.Add(await client.GetRunAsync(child, ct));
            }
            result.Add((run, children));
        }
        return result;
    }
}
