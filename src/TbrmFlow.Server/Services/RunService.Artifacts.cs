namespace TbrmFlow.Server.Services;

public sealed partial class RunService
{
    /// <summary>The run's artifact files (<see cref="RunArtifacts"/>): stage outputs, then its MLflow runs' artifacts.</summary>
    /// <exception cref="NotFoundException">No such run.</exception>
    public IReadOnlyList<ArtifactFileDto> Artifacts(string runId) => [.. ListArtifacts(runId).Select(a => a.File)];

    /// <summary>The file behind <paramref name="path"/>, a name <see cref="Artifacts"/> lists; nothing else is ever opened.</summary>
    /// <exception cref="NotFoundException">No such run, or the run has no artifact of that name.</exception>
    public (ArtifactFileDto File, string FullPath) ArtifactFile(string runId, string path) =>
        ListArtifacts(runId).FirstOrDefault(a => a.File.Path == path) is { File: not null } found
            ? found
            : throw new NotFoundException($"run '{runId}' has no artifact '{path}'");

    /// <summary>What the run page shows of an artifact file (<see cref="ArtifactPreview"/>).</summary>
    /// <exception cref="NotFoundException">No such run or artifact.</exception>
    public ArtifactPreview PreviewArtifact(string runId, string path) => ArtifactPreview.Of(ArtifactFile(runId, path).FullPath);

    private List<(ArtifactFileDto File, string FullPath)> ListArtifacts(string runId)
    {
        var store = StoreOf(runId);
        return RunArtifacts.List(store.GetStages(runId), Path.Combine(_options.HomeDirectory, "artifacts"), MlflowRunDirectories.Find(MlrunsDirectory, runId));
    }
}
