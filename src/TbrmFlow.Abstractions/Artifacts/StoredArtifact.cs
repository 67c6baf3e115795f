namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>Where a committed artifact lives and the hash of its content.</summary>
/// <param name="Path">Absolute directory path.</param>
/// <param name="Hash">Lower-case hex SHA-256 over the directory's files (names and bytes).</param>
public sealed record StoredArtifact(string Path, string Hash);
