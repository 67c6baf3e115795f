namespace TbrmFlow.Tracking;

/// <summary>Tag keys MLflow gives a meaning to, and TbrmFlow's own.</summary>
public static class MlflowTags
{
    /// <summary>The run's display name.</summary>
    public const string RunName = "mlflow.runName";
    /// <summary>Who ran it.</summary>
    public const string User = "mlflow.user";
    /// <summary>The workflow file.</summary>
    public const string SourceName = "mlflow.source.name";
    /// <summary>LOCAL for runs started on this machine.</summary>
    public const string SourceType = "mlflow.source.type";
    /// <summary>Git commit of the source.</summary>
    public const string GitCommit = "mlflow.source.git.commit";
    /// <summary>The run's description (Markdown in the UI).</summary>
    public const string Note = "mlflow.note.content";
    /// <summary>Nests a run under its parent in the UI.</summary>
    public const string ParentRunId = "mlflow.parentRunId";
    /// <summary>The activity type of a stage run.</summary>
    public const string Activity = "tbrmflow.activity";
    /// <summary>The stage instance id of a stage run.</summary>
    public const string Stage = "tbrmflow.stage";
    /// <summary>TbrmFlow's id of the workflow run.</summary>
    public const string RunId = "tbrmflow.run_id";
    /// <summary>The local store's run id of a replicated run (finds it again after a crash).</summary>
    public const string LocalRunId = "tbrmflow.local_run_id";
}
