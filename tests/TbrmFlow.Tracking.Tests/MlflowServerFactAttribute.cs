namespace TbrmFlow.Tracking.Tests;

/// <summary>A fact that runs only when MLFLOW_TEST_TRACKING_URI names a real MLflow server (xunit 2 has no dynamic skip).</summary>
public sealed class MlflowServerFactAttribute : FactAttribute
{
    public const string Variable = "MLFLOW_TEST_TRACKING_URI";

    public MlflowServerFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"set {Variable}=http://host:port to run against a real MLflow server";
        }
    }

    public static Uri Server => new(Environment.GetEnvironmentVariable(Variable)!);
}
