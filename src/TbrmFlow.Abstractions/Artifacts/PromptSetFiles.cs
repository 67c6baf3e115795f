using System.Text;
using System.Text.Json;

namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>
/// Reads and writes the PromptSet format: a directory with <c>problems.jsonl</c> (one
/// <see cref="Problem"/> per line, snake_case keys) and <c>manifest.json</c> (count, origin).
/// A plain <c>.jsonl</c> file is also accepted as input.
/// </summary>
public static class PromptSetFiles
{
    /// <summary>The problems file inside a PromptSet directory.</summary>
    public const string ProblemsFile = "problems.jsonl";

    /// <summary>The manifest file inside a PromptSet directory.</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>Writes problems and a manifest into <paramref name="directory"/>.</summary>
    public static void Write(string directory, IEnumerable<Problem> problems, string origin)
    {
        Directory.CreateDirectory(directory);
        var count = 0;
        using (var writer = new StreamWriter(Path.Combine(directory, ProblemsFile), append: false, new UTF8Encoding(false)))
        {
            foreach (var problem in problems)
            {
                writer.Write(JsonSerializer.Serialize(problem, JsonLines.Options));
                writer.Write('\n');
                count++;
            }
        }
        var manifest = new PromptSetManifest(count, origin);
        File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(manifest, JsonLines.Options));
    }

    /// <summary>Writes problems and a manifest into a staging directory of <paramref name="store"/> and commits it as a PromptSet.</summary>
    public static async Task<PromptSet> CommitAsync(IArtifactStore store, IEnumerable<Problem> problems, string origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var staging = store.CreateStaging();
        Write(staging, problems, origin);
        var stored = await store.CommitAsync(ArtifactKind.PromptSet, staging, cancellationToken);
        return new PromptSet(stored.Path, stored.Hash);
    }

    /// <summary>Reads every problem of a PromptSet directory or a <c>.jsonl</c> file.</summary>
    /// <exception cref="InvalidDataException">Naming the file and line of a malformed record.</exception>
    public static IReadOnlyList<Problem> Read(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, ProblemsFile) : path;
        return JsonLines.Read<Problem>(file);
    }
}

/// <summary>The manifest of a PromptSet.</summary>
/// <param name="Count">Number of problems.</param>
/// <param name="Origin">How it was made (activity and its key settings, or the source file).</param>
public sealed record PromptSetManifest(int Count, string Origin);
