using System.Text.Json.Nodes;

namespace TbrmFlow.Server.Services;

/// <summary>One run with its stage instances.</summary>
/// <param name="Summary">Id, workflow, status and times.</param>
/// <param name="Experiment">MLflow experiment.</param>
/// <param name="SourceFile">The workflow file it ran from, when known.</param>
/// <param name="Params">Resolved parameters.</param>
/// <param name="Stages">Stage instances in start order (stages not started yet are absent).</param>
/// <param name="SourceText">The workflow text exactly as it ran (the run store keeps it), so later edits of the file do not change what a run shows.</param>
public sealed record RunDetailDto(RunSummaryDto Summary, string Experiment, string? SourceFile, JsonObject Params, IReadOnlyList<StageDto> Stages, string? SourceText = null);
