using System.Text.Json.Nodes;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Remote;

public sealed partial class MlflowRestClient
{
    /// <summary>A run with its params, tags and the full history of every metric.</summary>
    public async Task<StoredRun> GetRunAsync(string runId, CancellationToken ct)
    {
        var response = await SendAsync(HttpMethod.Get, "runs/get?run_id=" + Uri.EscapeDataString(runId), null, ct);
        var run = response!["run"]!;
        var info = run["info"]!;
        var data = run["data"];
        var metrics = new Dictionary<string, IReadOnlyList<MetricPoint>>(StringComparer.Ordinal);
        foreach (var key in (data?["metrics"]?.AsArray() ?? []).Select(m => m!["key"]!.GetValue<string>()).Distinct())
        {
            metrics[key] = await GetMetricHistoryAsync(runId, key, ct);
        }
        var status = info["status"]?.GetValue<string>() ?? "RUNNING";
        return new StoredRun
        {
            RunId = info["run_id"]!.GetValue<string>(),
            ExperimentId = info["experiment_id"]?.GetValue<string>() ?? "0",
            RunName = info["run_name"]?.GetValue<string>() ?? "",
            Status = Enum.TryParse<MlflowRunStatus>(status, ignoreCase: true, out var s) ? s : MlflowRunStatus.Running,
            StartTime = info["start_time"] is { } start ? LongOf(start) : 0,
            EndTime = info["end_time"] is { } end ? LongOf(end) : null,
            Params = Pairs(data?["params"]),
            Tags = Pairs(data?["tags"]),
            Metrics = metrics,
        };
    }

    /// <summary>Ids of the runs nested under <paramref name="parentRunId"/>.</summary>
    public Task<IReadOnlyList<string>> ChildRunIdsAsync(string experimentId, string parentRunId, CancellationToken ct) =>
        SearchRunIdsAsync(experimentId, $"tags.`{MlflowTags.ParentRunId}` = '{parentRunId}'", ct);

    private static Dictionary<string, string> Pairs(JsonNode? array) =>
        (array?.AsArray() ?? []).ToDictionary(p => p!["key"]!.GetValue<string>(), p => p!["value"]?.GetValue<string>() ?? "", StringComparer.Ordinal);
}
