using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Engine.Artifacts;

namespace TbrmFlow.Cluster;

/// <summary>
/// The cluster's artifact store: a content-addressed directory that every worker mounts at the same
/// path (NFS, a shared volume), so a checkpoint one worker wrote is read by another from its recorded
/// path. Artifacts are referenced across machines by <c>file://</c> URI; <see cref="Resolve"/> turns a
/// URI back into a local path and refuses one outside the store.
/// </summary>
/// <param name="root">The shared directory.</param>
public sealed class SharedDirectoryArtifactStore(string root) : IArtifactStore
{
    private readonly LocalArtifactStore _local = new(root);

    /// <summary>The shared directory.</summary>
    public string Root => _local.Root;

    /// <inheritdoc />
    public string CreateStaging() => _local.CreateStaging();

    /// <inheritdoc />
    public ValueTask<StoredArtifact> CommitAsync(ArtifactKind kind, string stagingDirectory, CancellationToken cancellationToken) =>
        _local.CommitAsync(kind, stagingDirectory, cancellationToken);

    /// <summary>The <c>file://</c> URI of an artifact path.</summary>
    public static Uri ToUri(string path) => new(Path.GetFullPath(path));

    /// <summary>The local path of a <c>file://</c> URI inside this store.</summary>
    /// <exception cref="ArgumentException">Not a file URI, or outside the store.</exception>
    public string Resolve(Uri uri)
    {
        if (!uri.IsFile)
        {
            throw new ArgumentException($"artifact URI '{uri}' is not a file:// URI; the shared-directory store only resolves file:// URIs", nameof(uri));
        }
        var path = Path.GetFullPath(uri.LocalPath);
        var rootWithSlash = Root.EndsWith(Path.DirectorySeparatorChar) ? Root : Root + Path.DirectorySeparatorChar;
        if (!path.StartsWith(rootWithSlash, StringComparison.Ordinal))
        {
            throw new ArgumentException($"artifact URI '{uri}' is outside the shared store {Root}", nameof(uri));
        }
        return path;
    }
}
