namespace TbrmFlow.Server.Services;

/// <summary>A stage's reported progress.</summary>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in all (0 when unknown).</param>
/// <param name="Message">What it is doing, when it said.</param>
public sealed record ProgressDto(long Done, long Total, string? Message);
