using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Engine.Running;

/// <summary>Builds <see cref="StageResult"/>s.</summary>
internal static class StageResults
{
    public static StageResult NotRun(StageStatus status, string why) => new()
    {
        Status = status,
        Attempts = 0,
        DurationS = 0,
        Outputs = [],
        Metrics = new Dictionary<string, double>(),
        Error = why,
    };

    public static StageResult FromRecord(StageRecord record) => new()
    {
        Status = record.Status,
        Attempts = record.Attempts,
        DurationS = record.DurationS,
        Outputs = record.OutputsJson is null ? [] : JsonNode.Parse(record.OutputsJson) as JsonObject ?? [],
        Metrics = record.MetricsJson is null ? new Dictionary<string, double>() : JsonSerializer.Deserialize<Dictionary<string, double>>(record.MetricsJson) ?? [],
        Error = record.Error,
    };
}
