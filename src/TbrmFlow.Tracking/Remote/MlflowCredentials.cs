using System.Net.Http.Headers;
using System.Text;

namespace TbrmFlow.Tracking.Remote;

/// <summary>Authentication for an MLflow server, as MLflow's own clients read it from the environment.</summary>
/// <param name="Username">MLFLOW_TRACKING_USERNAME (basic auth, with the password).</param>
/// <param name="Password">MLFLOW_TRACKING_PASSWORD.</param>
/// <param name="Token">MLFLOW_TRACKING_TOKEN (bearer; wins over basic).</param>
public sealed record MlflowCredentials(string? Username, string? Password, string? Token)
{
    /// <summary>No authentication.</summary>
    public static MlflowCredentials None { get; } = new(null, null, null);

    /// <summary>Reads the MLFLOW_TRACKING_* variables.</summary>
    public static MlflowCredentials FromEnvironment() => new(
        Environment.GetEnvironmentVariable("MLFLOW_TRACKING_USERNAME"),
        Environment.GetEnvironmentVariable("MLFLOW_TRACKING_PASSWORD"),
        Environment.GetEnvironmentVariable("MLFLOW_TRACKING_TOKEN"));

    /// <summary>The Authorization header, or null.</summary>
    public AuthenticationHeaderValue? Header() =>
        !string.IsNullOrEmpty(Token) ? new AuthenticationHeaderValue("Bearer", Token)
        : !string.IsNullOrEmpty(Username) ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password)))
        : null;
}
