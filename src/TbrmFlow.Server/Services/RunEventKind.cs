namespace TbrmFlow.Server.Services;

/// <summary>What a <see cref="RunEventDto"/> reports.</summary>
public enum RunEventKind
{
    /// <summary>A run started or was resumed (<see cref="RunEventDto.Status"/> is <c>running</c>).</summary>
    RunStarted,
    /// <summary>A run ended (<see cref="RunEventDto.Status"/> is its final status).</summary>
    RunFinished,
    /// <summary>A stage instance changed state (<see cref="RunEventDto.Status"/>; <see cref="RunEventDto.Message"/> may say why).</summary>
    StageState,
    /// <summary>A stage reported progress (<see cref="RunEventDto.Progress"/>).</summary>
    StageProgress,
    /// <summary>A stage reported metrics (<see cref="RunEventDto.Step"/>, <see cref="RunEventDto.Metrics"/>).</summary>
    StageMetrics,
    /// <summary>A stage logged a line (<see cref="RunEventDto.Message"/>).</summary>
    StageLog,
}
