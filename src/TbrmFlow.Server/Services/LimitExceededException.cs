namespace TbrmFlow.Server.Services;

/// <summary>
/// A workflow text or file beyond the <see cref="Workflows.Parsing.WorkflowLimits"/>: the HTTP API answers
/// <see cref="Status"/> (413 for a text that is too large, else 422) with the diagnostics as problem details, and
/// nothing is saved.
/// </summary>
/// <param name="status">413 or 422.</param>
/// <param name="message">What is wrong, for the user.</param>
/// <param name="diagnostics">The positioned TF0040 (or TF0001) diagnostics.</param>
public sealed class LimitExceededException(int status, string message, IReadOnlyList<DiagnosticDto> diagnostics) : Exception(message)
{
    /// <summary>The HTTP status: 413 or 422.</summary>
    public int Status { get; } = status;

    /// <summary>What the validator reports, as <c>POST /api/workflows/validate</c> would list it.</summary>
    public IReadOnlyList<DiagnosticDto> Diagnostics { get; } = diagnostics;
}
