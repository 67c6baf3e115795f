using System.Text;
using System.Text.Json;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Rl.Rollouts;

/// <summary>
/// The RolloutBatch format: a directory with <c>rollouts.jsonl</c> (one <see cref="RolloutRecord"/>
/// per line, snake_case keys) and <c>manifest.json</c> (count, checkpoint, reward function). A plain
/// <c>.jsonl</c> file is also accepted as input. Documented in docs/tbrm.md.
/// </summary>
public static class RolloutFiles
{
    /// <summary>The records file inside a RolloutBatch directory.</summary>
    public const string RecordsFile = "rollouts.jsonl";

    /// <summary>The manifest file inside a RolloutBatch directory.</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>Writes records and a manifest into <paramref name="directory"/>.</summary>
    public static void Write(string directory, IReadOnlyList<RolloutRecord> records, string origin)
    {
        Directory.CreateDirectory(directory);
        using (var writer = new StreamWriter(Path.Combine(directory, RecordsFile), append: false, new UTF8Encoding(false)))
        {
            foreach (var record in records)
            {
                writer.Write(JsonSerializer.Serialize(record, JsonLines.Options));
                writer.Write('\n');
            }
        }
        var manifest = new PromptSetManifest(records.Count, origin);
        File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(manifest, JsonLines.Options));
    }

    /// <summary>Reads and checks every record of a RolloutBatch directory or <c>.jsonl</c> file.</summary>
    /// <exception cref="InvalidDataException">Naming the file and line of a malformed record.</exception>
    public static IReadOnlyList<RolloutRecord> Read(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, RecordsFile) : path;
        var records = JsonLines.Read<RolloutRecord>(file);
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (r.LogProbs.Length != r.ResponseTokens.Length)
            {
                throw new InvalidDataException($"{file}: record {i + 1}: log_probs has {r.LogProbs.Length} entries but response_tokens has {r.ResponseTokens.Length}");
            }
            if (r.PromptTokens.Length == 0 || r.ResponseTokens.Length == 0)
            {
                throw new InvalidDataException($"{file}: record {i + 1}: prompt_tokens and response_tokens must not be empty");
            }
        }
        return records;
    }
}
