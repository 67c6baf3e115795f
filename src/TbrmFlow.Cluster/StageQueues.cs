using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Cluster;

/// <summary>Which worker queue a stage instance goes to.</summary>
public static class StageQueues
{
    /// <summary>The queue of stages that ask for a GPU.</summary>
    public const string Gpu = "gpu";

    /// <summary>The queue of every other stage.</summary>
    public const string Default = "default";

    /// <summary><c>resources.queue</c> when set; else <c>gpu</c> when <c>resources.gpu &gt; 0</c>; else <c>default</c>.</summary>
    public static string For(StageDefinition stage) =>
        stage.Resources.Queue is { Length: > 0 } named ? named : stage.Resources.Gpu > 0 ? Gpu : Default;

    /// <summary>Hangfire accepts lowercase letters, digits and underscores in queue names.</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
