using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Abstractions;

/// <summary>
/// Content-addressed artifact storage. An activity writes into a fresh directory from
/// <see cref="CreateStaging"/>, then commits it: the store hashes the content, moves it to its
/// final place and returns a typed reference.
/// </summary>
public interface IArtifactStore
{
    /// <summary>A new empty directory to write an artifact into.</summary>
    string CreateStaging();

    /// <summary>Hashes and stores a staged directory; returns where it now lives and its hash.</summary>
    ValueTask<StoredArtifact> CommitAsync(ArtifactKind kind, string stagingDirectory, CancellationToken cancellationToken);
}
