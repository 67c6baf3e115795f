namespace TbrmFlow.Server.Services;

/// <summary>A file among a run's artifacts.</summary>
/// <param name="Path">Its name in the run: <c>stages/INSTANCE/OUTPUT/FILE</c> for a stage output, <c>mlflow/FILE</c> for the MLflow run's artifacts, <c>mlflow/stages/INSTANCE/FILE</c> for a stage run's.</param>
/// <param name="SizeBytes">Its size.</param>
/// <param name="InstanceId">The stage instance it belongs to, or null for the run's own MLflow artifacts.</param>
/// <param name="Group">What it is part of: the output (<c>train</c>, <c>checkpoint</c>) or <c>mlflow</c>.</param>
/// <param name="Kind">The artifact type of a stage output (<c>PromptSet</c>, <c>Checkpoint</c>, ...), or null.</param>
public sealed record ArtifactFileDto(string Path, long SizeBytes, string? InstanceId, string Group, string? Kind);
