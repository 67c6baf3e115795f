using System.Net;

namespace TbrmFlow.Tracking.Remote;

/// <summary>An MLflow server refused a request; <see cref="ErrorCode"/> is MLflow's (e.g. RESOURCE_DOES_NOT_EXIST).</summary>
public sealed class MlflowApiException(HttpStatusCode status, string errorCode, string message)
    : Exception($"MLflow {(int)status} {errorCode}: {message}")
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>MLflow's error code.</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>MLflow's message.</summary>
    public string ServerMessage { get; } = message;
}
