using System.CommandLine;

namespace TbrmFlow.Cli.Commands;

/// <summary>The tracking options several commands share.</summary>
public static class TrackingOptionsBinding
{
    /// <summary><c>--tracking-uri</c>: an MLflow server (http/https) or a local store directory.</summary>
    public static Option<string?> TrackingUriOption() => new("--tracking-uri")
    {
        Description = "MLflow server (http://host:port) or local store directory; default MLFLOW_TRACKING_URI, else ./mlruns.",
    };

    /// <summary><c>--mlruns</c>: the local MLflow store that runs are recorded in first.</summary>
    public static Option<string> MlrunsOption() => new("--mlruns")
    {
        Description = "The local MLflow file store (default ./mlruns).",
        DefaultValueFactory = _ => "mlruns",
    };
}
