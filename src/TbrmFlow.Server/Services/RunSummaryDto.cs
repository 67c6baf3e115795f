namespace TbrmFlow.Server.Services;

/// <summary>A run in a list (from the run store the CLI shares).</summary>
/// <param name="Id">Run id (<c>yyyyMMdd-HHmmss-xxxxxx</c>).</param>
/// <param name="Workflow">Workflow name.</param>
/// <param name="Status"><c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>; a cluster run being cancelled is <c>cancelling</c> until its running stages stopped.</param>
/// <param name="StartedAt">UTC start.</param>
/// <param name="FinishedAt">UTC end, when it ended.</param>
/// <param name="Error">Why it failed, briefly.</param>
/// <param name="Live">True when this server process is running it now (it can be cancelled here).</param>
public sealed record RunSummaryDto(string Id, string Workflow, string Status, DateTime StartedAt, DateTime? FinishedAt, string? Error, bool Live);
