using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Output;

/// <summary>The <c>--json</c> document: <c>{run_id, status, stages: {id: {status, attempts, duration_s, outputs, metrics}}}</c>,
/// with <c>write_fault</c> when a full disk or read-only store ended the run.</summary>
public static class RunResultJson
{
    /// <summary>Serialises a run result.</summary>
    public static string Serialize(RunResult result)
    {
        var stages = new JsonObject();
        foreach (var (id, stage) in result.Stages)
        {
            var metrics = new JsonObject();
            foreach (var (key, value) in stage.Metrics)
            {
                metrics[key] = double.IsFinite(value) ? value : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            stages[id] = new JsonObject
            {
                ["status"] = Lifecycle.Name(stage.Status),
                ["attempts"] = stage.Attempts,
                ["duration_s"] = Math.Round(stage.DurationS, 3),
                ["outputs"] = stage.Outputs.DeepClone(),
                ["metrics"] = metrics,
                ["error"] = stage.Error,
            };
        }
        var doc = new JsonObject
        {
            ["run_id"] = result.RunId,
            ["status"] = Lifecycle.Name(result.Status),
            ["stages"] = stages,
        };
        if (result.WriteFault is { } fault)
        {
            doc["write_fault"] = fault; // e.g. "disk full writing PATH": why the run stopped
        }
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

}
