namespace TbrmFlow.Server.Services;

/// <summary>One workflow file of the workflows folder.</summary>
/// <param name="Name">File name without <c>.yaml</c>; the id used in URLs.</param>
/// <param name="Title">The workflow's <c>name:</c> field, or null when the file does not parse.</param>
/// <param name="Description">The workflow's <c>description:</c>, when it has one and parses.</param>
/// <param name="Modified">Last write time (UTC).</param>
/// <param name="SizeBytes">File size.</param>
public sealed record WorkflowFileInfo(string Name, string? Title, string? Description, DateTime Modified, long SizeBytes);
