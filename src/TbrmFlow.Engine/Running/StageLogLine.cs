namespace TbrmFlow.Engine.Running;

/// <summary>One line of a stage's log.</summary>
/// <param name="Time">When it was written (UTC); null for lines of log files written before times were recorded.</param>
/// <param name="Text">The line, without its end.</param>
public sealed record StageLogLine(DateTime? Time, string Text);
