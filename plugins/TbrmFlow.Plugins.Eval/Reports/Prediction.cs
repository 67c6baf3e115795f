namespace TbrmFlow.Plugins.Eval.Reports;

/// <summary>One line of a predictions file: <c>{"id": ..., "samples": ["...", ...], "truncated": [false, ...]}</c>.</summary>
/// <param name="Id">The problem id (a JSON string or number).</param>
/// <param name="Samples">Generated responses, at least one.</param>
/// <param name="Truncated">Optional, one flag per sample: generation hit the length limit.</param>
/// <param name="Line">The 1-based line it came from.</param>
public sealed record Prediction(string Id, IReadOnlyList<string> Samples, IReadOnlyList<bool>? Truncated, int Line);
