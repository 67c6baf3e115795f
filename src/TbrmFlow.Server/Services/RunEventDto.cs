namespace TbrmFlow.Server.Services;

/// <summary>A live event of a run running in this server; pushed by <see cref="RunService.Subscribe"/> and the <c>/hubs/runs</c> hub (method <c>runEvent</c>).</summary>
/// <param name="Kind">What happened.</param>
/// <param name="RunId">The run.</param>
/// <param name="InstanceId">The stage instance, for stage events.</param>
/// <param name="Status">New run or stage status (lower case), for state events.</param>
/// <param name="Message">Log line, progress message or state detail.</param>
/// <param name="Progress">Progress, for <see cref="RunEventKind.StageProgress"/>.</param>
/// <param name="Step">Step, for <see cref="RunEventKind.StageMetrics"/>.</param>
/// <param name="Metrics">Values, for <see cref="RunEventKind.StageMetrics"/>.</param>
/// <param name="Time">When it happened (UTC).</param>
public sealed record RunEventDto(
    RunEventKind Kind, string RunId, string? InstanceId, string? Status, string? Message,
    ProgressDto? Progress, long? Step, IReadOnlyDictionary<string, double>? Metrics, DateTime Time);
