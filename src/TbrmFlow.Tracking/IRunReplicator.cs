namespace TbrmFlow.Tracking;

/// <summary>Sends what the local store holds to a remote MLflow server, in the background.</summary>
public interface IRunReplicator : IAsyncDisposable
{
    /// <summary>The run in <paramref name="runDirectory"/> has new records; returns at once.</summary>
    void Notify(string runDirectory);

    /// <summary>Runs whose records are not all on the server yet.</summary>
    IReadOnlyList<string> PendingRuns { get; }

    /// <summary>The last error talking to the server, if the last pass failed.</summary>
    Exception? LastError { get; }
}
