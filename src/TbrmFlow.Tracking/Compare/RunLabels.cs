namespace TbrmFlow.Tracking.Compare;

/// <summary>
/// Legend names for compared runs: the workflow (or run) name and the params that differ between
/// the runs (<c>hello seed=3</c>), the way MLflow's compare view sets runs apart. Runs that would
/// still share a label get their id's end added.
/// </summary>
public static class RunLabels
{
    /// <summary>Differing params shown in a label at most; the rest are in the params table.</summary>
    public const int MaxParams = 3;

    /// <summary>Longest value shown in a label.</summary>
    public const int MaxValueLength = 24;

    /// <summary>One label per run, in order.</summary>
    /// <param name="runs">Each run's id, name (workflow) and params as text.</param>
    public static IReadOnlyList<string> For(IReadOnlyList<(string Id, string Name, IReadOnlyDictionary<string, string> Params)> runs)
    {
        var differing = runs.SelectMany(r => r.Params.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(k => runs.Select(r => r.Params.GetValueOrDefault(k)).Distinct().Count() > 1)
            .Take(MaxParams).ToList();
        var labels = runs.Select(r =>
        {
            var parts = differing.Select(k => $"{k}={Short(r.Params.GetValueOrDefault(k) ?? "-")}").ToList();
            return parts.Count == 0 ? r.Name : $"{r.Name} {string.Join(' ', parts)}";
        }).ToList();
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels.Count(l => l == labels[i]) > 1)
            {
                var twins = Enumerable.Range(0, labels.Count).Where(j => labels[j] == labels[i]).ToList();
                foreach (var j in twins)
                {
                    labels[j] = $"{labels[j]} ({Tail(runs[j].Id)})";
                }
            }
        }
        return labels;
    }

    private static string Short(string value) => value.Length > MaxValueLength ? value[..(MaxValueLength - 1)] + "…" : value;

    private static string Tail(string id) => id.Length > 6 ? id[^6..] : id;
}
