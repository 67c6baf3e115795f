namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>
/// A typed reference to an artifact on disk. In YAML an artifact input is either an upstream
/// output (<c>${{ stages.data.outputs.train }}</c>) or a plain path to a file or directory.
/// </summary>
/// <param name="Path">The artifact's directory (or, for user-supplied inputs, a file).</param>
/// <param name="Hash">SHA-256 of the content when the store knows it; part of the cache key.</param>
public abstract record ArtifactReference(string Path, string? Hash)
{
    /// <summary>Which of the few artifact types this is.</summary>
    public abstract ArtifactKind Kind { get; }
}
