using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Sync;

namespace TbrmFlow.Tracking;

/// <summary>The tracking module's entry point for hosts.</summary>
public static class TrackingSetup
{
    /// <summary>
    /// An observer that records runs in the local store and, when a tracking URI names a server,
    /// replicates them there in the background. Dispose it (await) at the end of the run.
    /// </summary>
    public static MlflowTrackingObserver CreateObserver(TrackingOptions options)
    {
        var store = new MlflowFileStore(options.ResolveLocalStore());
        var remote = options.ResolveRemote();
        IRunReplicator? replicator = remote is null
            ? null
            : new BackgroundReplicator(new RunSynchronizer(store, new MlflowRestClient(new Uri(remote), MlflowCredentials.FromEnvironment())), options.FlushTimeout);
        return new MlflowTrackingObserver(store, options, replicator);
    }
}
