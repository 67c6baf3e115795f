using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Tracking;

namespace TbrmFlow.Server.Services;

public sealed partial class RunService
{
    /// <summary>Params, stage inputs and final metrics of <paramref name="runId"/> (from the run store; live values for runs of this server).</summary>
    /// <exception cref="NotFoundException">No such run.</exception>
    public RunValuesDto Values(string runId)
    {
        var (store, record) = Find(runId) ?? throw new NotFoundException($"no run '{runId}' in {StorePath}");
        var parameters = ParamFlattener.Flatten(JsonNode.Parse(record.ParamsJson) as JsonObject ?? []);
        var inputs = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var live = _live.GetValueOrDefault(runId);
        foreach (var stage in store.GetStages(runId))
        {
            if (stage.InputsJson is not null && JsonNode.Parse(stage.InputsJson) is JsonObject stageInputs)
            {
                inputs[stage.InstanceId] = ParamFlattener.Flatten(stageInputs);
            }
            var last = stage.MetricsJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, double>>(stage.MetricsJson) ?? [];
            foreach (var (key, value) in live?.Stage(stage.InstanceId)?.LastMetrics ?? [])
            {
                last[key] = value;
            }
            foreach (var (key, value) in last)
            {
                metrics[$"{stage.InstanceId}: {key}"] = value;
            }
        }
        return new RunValuesDto(runId, parameters, inputs, metrics);
    }
}
