namespace TbrmFlow.Tracking;

/// <summary>MLflow's run states with the numbers its file store writes into a run's <c>meta.yaml</c>
/// (the protobuf <c>RunStatus</c> enum).</summary>
public enum MlflowRunStatus
{
    /// <summary>The run is in progress.</summary>
    Running = 1,
    /// <summary>Waiting to start.</summary>
    Scheduled = 2,
    /// <summary>Ended successfully.</summary>
    Finished = 3,
    /// <summary>Ended with an error.</summary>
    Failed = 4,
    /// <summary>Stopped by the user.</summary>
    Killed = 5,
}
