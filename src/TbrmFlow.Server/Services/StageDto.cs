using System.Text.Json.Nodes;

namespace TbrmFlow.Server.Services;

/// <summary>One stage instance of a run.</summary>
/// <param name="InstanceId">Instance id, e.g. <c>evaluate[policy=sft]</c> or <c>train[iter=2].update</c>.</param>
/// <param name="StageId">The stage id in the workflow.</param>
/// <param name="Iteration">0-based iteration of a repeat's sub-stage.</param>
/// <param name="Activity">Activity type (<c>repeat</c> for a repeat stage).</param>
/// <param name="Status">pending, running, succeeded, failed, cancelled, skipped or cached.</param>
/// <param name="Attempts">Attempts started so far.</param>
/// <param name="DurationS">Wall time of the last attempt (0 while running).</param>
/// <param name="Outputs">The activity's outputs (snake_case), empty until it finished.</param>
/// <param name="Metrics">The last value of each metric it reported.</param>
/// <param name="Progress">The last progress it reported, or null.</param>
/// <param name="Error">Why it failed or was skipped.</param>
public sealed record StageDto(
    string InstanceId, string StageId, int? Iteration, string Activity, string Status, int Attempts, double DurationS,
    JsonObject Outputs, IReadOnlyDictionary<string, double> Metrics, ProgressDto? Progress, string? Error);
