using System.Text.Json;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Engine.Running;

/// <summary>Creates and updates the store's record of a stage instance.</summary>
internal static class StageRecords
{
    public static StageRecord Start(RunState run, StageInstance instance, string fullId, int? iteration, string activity, int version)
    {
        var record = run.Previous.GetValueOrDefault(fullId) ?? new StageRecord
        {
            RunId = run.RunId,
            InstanceId = fullId,
            StageId = instance.Stage.Id,
            Iteration = iteration,
            Activity = activity,
            ActivityVersion = version,
            Status = StageStatus.Running,
        };
        record.Status = Lifecycle.Move(record.Status, StageStatus.Running);
        record.Activity = activity;
        record.ActivityVersion = version;
        record.StartedAt ??= DateTime.UtcNow;
        record.Error = null;
        run.Store.SaveStage(record);
        run.Previous[fullId] = record;
        return record;
    }

    public static void Finish(RunState run, StageRecord record, StageResult result)
    {
        record.Status = Lifecycle.Move(record.Status, result.Status);
        record.OutputsJson = result.Outputs.ToJsonString();
        record.MetricsJson = JsonSerializer.Serialize(result.Metrics);
        record.DurationS = result.DurationS;
        record.Attempts = result.Attempts;
        record.Error = result.Error;
        record.FinishedAt = DateTime.UtcNow;
        run.Store.SaveStage(record);
    }

    public static void SaveNotRun(RunState run, StageInstance instance, string fullId, int? iteration, StageResult result)
    {
        var record = Start(run, instance, fullId, iteration, instance.Stage.Repeat is null ? instance.Stage.Uses : "repeat", 0);
        record.EndNotRun(result.Status, result.Error!);
        run.Store.SaveStage(record);
    }
}
