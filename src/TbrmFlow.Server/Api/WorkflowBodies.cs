using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Api;

/// <summary>Body of <c>PUT /api/workflows/{name}</c>.</summary>
/// <param name="Yaml">The workflow text.</param>
public sealed record WorkflowBody(string? Yaml);

/// <summary>Body of <c>POST /api/workflows/validate</c>.</summary>
/// <param name="Yaml">The workflow text.</param>
/// <param name="Name">The workflow's name, optional.</param>
public sealed record ValidateBody(string? Yaml, string? Name);

/// <summary>A workflow file's content.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Yaml">Its text.</param>
/// <param name="Modified">Last write time (UTC).</param>
public sealed record WorkflowDocumentDto(string Name, string Yaml, DateTime? Modified);

/// <summary>Answer to a save: the file's diagnostics (it is saved even with errors).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Diagnostics">What <c>tbrmflow validate</c> reports for it.</param>
public sealed record WorkflowSavedDto(string Name, IReadOnlyList<DiagnosticDto> Diagnostics);

/// <summary>Body of <c>POST /api/workflows/{name}/copy</c> and <c>/rename</c>.</summary>
/// <param name="To">The new workflow name (<see cref="WorkflowLibrary.NamePattern"/>).</param>
public sealed record TargetNameBody(string? To);
