using TbrmFlow.Tracking;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Server.Services;

/// <summary>
/// The MLflow file store's run directories of one TbrmFlow run: the parent (tagged
/// <c>tbrmflow.run_id</c>, no <c>tbrmflow.stage</c>) and one nested run per stage instance (tagged with
/// both). Only two small tag files are read per run directory.
/// </summary>
/// <param name="Parent">The parent run's directory, or null.</param>
/// <param name="Stages">Stage instance id to its run's directory.</param>
internal sealed record MlflowRunDirectories(string? Parent, IReadOnlyDictionary<string, string> Stages)
{
    /// <summary>Finds the directories of <paramref name="runId"/> in the store at <paramref name="mlruns"/>.</summary>
    public static MlflowRunDirectories Find(string mlruns, string runId)
    {
        string? parent = null;
        var stages = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(mlruns))
        {
            return new MlflowRunDirectories(null, stages);
        }
        foreach (var directory in new MlflowFileStore(mlruns).RunDirectories())
        {
            var tags = Path.Combine(directory, "tags");
            if (ReadTag(tags, MlflowTags.RunId) != runId)
            {
                continue;
            }
            if (ReadTag(tags, MlflowTags.Stage) is { } stage)
            {
                stages[stage] = directory;
            }
            else
            {
                parent = directory;
            }
        }
        return new MlflowRunDirectories(parent, stages);
    }

    private static string? ReadTag(string tags, string name)
    {
        var file = Path.Combine(tags, name);
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }
}
