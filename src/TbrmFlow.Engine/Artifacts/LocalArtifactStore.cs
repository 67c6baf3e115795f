using System.Security.Cryptography;
using System.Text;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Engine.Artifacts;

/// <summary>
/// Artifacts in a directory tree: <c>ROOT/&lt;kind&gt;/&lt;sha256[..16]&gt;/</c>. Identical content is
/// stored once; committing the same content twice returns the existing copy.
/// </summary>
/// <param name="root">The store's directory, created when missing.</param>
public sealed class LocalArtifactStore(string root) : IArtifactStore
{
    /// <summary>The store's directory.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <inheritdoc />
    public string CreateStaging()
    {
        var dir = Path.Combine(Root, "staging", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <inheritdoc />
    public async ValueTask<StoredArtifact> CommitAsync(ArtifactKind kind, string stagingDirectory, CancellationToken cancellationToken)
    {
        var hash = await HashDirectoryAsync(stagingDirectory, cancellationToken);
        var target = Path.Combine(Root, kind.ToString().ToLowerInvariant(), hash[..16]);
        if (Directory.Exists(target))
        {
            Directory.Delete(stagingDirectory, recursive: true);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(stagingDirectory, target);
        }
        return new StoredArtifact(target, hash);
    }

    /// <summary>SHA-256 over the sorted relative file names and their bytes.</summary>
    public static async Task<string> HashDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        foreach (var relative in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(relative + "\n"));
            await using var stream = File.OpenRead(Path.Combine(directory, relative));
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
