using System.Text.Json.Nodes;
using TbrmFlow.Engine.Store;
using TbrmFlow.Tracking;

namespace TbrmFlow.Server.Services;

/// <summary>
/// The files of a run's artifacts: the artifact outputs of its stages (inside the engine's artifact store,
/// <c>HOME/artifacts</c>) and the artifacts of its MLflow runs (manifest, workflow file, charts, eval
/// reports). A download is served only for a name this listing produced, so no request path ever
/// reaches the file system; symbolic links and anything outside those roots are left out.
/// </summary>
internal static class RunArtifacts
{
    /// <summary>Files listed per run at most.</summary>
    public const int MaxFiles = 5000;

    /// <summary>Folder depth searched below an artifact.</summary>
    public const int MaxDepth = 8;

    /// <summary>The run's artifact files, each with the full path it is read from.</summary>
    public static List<(ArtifactFileDto File, string FullPath)> List(IReadOnlyList<StageRecord> stages, string artifactRoot, MlflowRunDirectories mlflow)
    {
        var result = new List<(ArtifactFileDto, string)>();
        var root = Path.GetFullPath(artifactRoot) + Path.DirectorySeparatorChar;
        foreach (var stage in stages.Where(s => s.OutputsJson is not null))
        {
            if (JsonNode.Parse(stage.OutputsJson!) is not JsonObject outputs)
            {
                continue;
            }
            foreach (var (name, value) in outputs)
            {
                if (!ParamFlattener.IsArtifact(value, out var kind, out var path, out _))
                {
                    continue;
                }
                var full = Path.GetFullPath(path);
                if (!full.StartsWith(root, StringComparison.Ordinal))
                {
                    continue; // a path the engine's store does not hold (a user file, another machine's store)
                }
                var prefix = $"stages/{stage.InstanceId}/{name}";
                AddTree(result, full, prefix, stage.InstanceId, name, kind);
            }
        }
        if (mlflow.Parent is { } parent)
        {
            AddTree(result, Path.Combine(parent, "artifacts"), "mlflow", null, "mlflow", null);
        }
        foreach (var (instance, directory) in mlflow.Stages.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            AddTree(result, Path.Combine(directory, "artifacts"), $"mlflow/stages/{instance}", instance, "mlflow", null);
        }
        return result;
    }

    private static void AddTree(List<(ArtifactFileDto, string)> result, string path, string prefix, string? instance, string group, string? kind)
    {
        if (File.Exists(path))
        {
            Add(result, new FileInfo(path), $"{prefix}/{Path.GetFileName(path)}", instance, group, kind);
            return;
        }
        if (!Directory.Exists(path) || new DirectoryInfo(path).LinkTarget is not null)
        {
            return;
        }
        Walk(result, new DirectoryInfo(path), prefix, instance, group, kind, 0);
    }

    private static void Walk(List<(ArtifactFileDto, string)> result, DirectoryInfo directory, string prefix, string? instance, string group, string? kind, int depth)
    {
        foreach (var file in directory.EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            Add(result, file, $"{prefix}/{file.Name}", instance, group, kind);
        }
        if (depth >= MaxDepth)
        {
            return;
        }
        foreach (var sub in directory.EnumerateDirectories().Where(d => d.LinkTarget is null && !d.Name.StartsWith('.')).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            Walk(result, sub, $"{prefix}/{sub.Name}", instance, group, kind, depth + 1);
        }
    }

    private static void Add(List<(ArtifactFileDto, string)> result, FileInfo file, string name, string? instance, string group, string? kind)
    {
        if (result.Count < MaxFiles && file.LinkTarget is null)
        {
            result.Add((new ArtifactFileDto(name, file.Length, instance, group, kind), file.FullName));
        }
    }
}
