using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Checkpoints;

/// <summary>
/// Strict transfer of safetensors files into a module: every tensor of the module must be in the
/// file, nothing else may be, and shapes must match. Reads <c>model.safetensors</c> or a sharded
/// <c>model.safetensors.index.json</c>; converts dtype on copy (bf16 files load into f32 models).
/// </summary>
public static class StateDictIO
{
    /// <summary>The single-file weights name.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>The sharded weights index name.</summary>
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>Writes the module's state dict to <c>model.safetensors</c> in <paramref name="directory"/>.</summary>
    public static void Save(nn.Module module, string directory)
    {
        var dict = module.state_dict();
        Safetensors.SaveStateDict(Path.Combine(directory, WeightsFile), dict);
    }

    /// <summary>
    /// Loads the weights in <paramref name="directory"/> into <paramref name="module"/>.
    /// <paramref name="ignore"/> lists names in the file that are known to be unused (e.g. GPT-2's old <c>attn.bias</c> buffers).
    /// </summary>
    /// <exception cref="InvalidDataException">Listing missing and unexpected names, or the tensor whose shape differs with both shapes.</exception>
    public static void Load(nn.Module module, string directory, Func<string, bool>? ignore = null)
    {
        using var scope = NewDisposeScope();
        var loaded = ReadAll(directory);
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !loaded.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var unexpected = loaded.Keys.Where(k => !target.ContainsKey(k) && !(ignore?.Invoke(k) ?? false)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new InvalidDataException(
                $"{directory}: weights do not match the model ({module.GetName()})." +
                (missing.Count > 0 ? $" Missing ({missing.Count}): {string.Join(", ", missing)}." : "") +
                (unexpected.Count > 0 ? $" Unexpected ({unexpected.Count}): {string.Join(", ", unexpected)}." : ""));
        }
        foreach (var (name, t) in target)
        {
            var src = loaded[name];
            if (!src.shape.SequenceEqual(t.shape))
            {
                throw new InvalidDataException(
                    $"{directory}: tensor '{name}' has shape [{string.Join(", ", src.shape)}] in the file but [{string.Join(", ", t.shape)}] in the model");
            }
        }
        using (no_grad())
        {
            foreach (var (name, t) in target)
            {
                t.copy_(loaded[name]);
            }
        }
    }

    /// <summary>All tensors of the single file or of every shard named in the index.</summary>
    private static Dictionary<string, Tensor> ReadAll(string directory)
    {
        var single = Path.Combine(directory, WeightsFile);
        var index = Path.Combine(directory, IndexFile);
        if (File.Exists(single))
        {
            return Safetensors.LoadStateDict(single, null);
        }
        if (!File.Exists(index))
        {
            throw new InvalidDataException($"{directory}: neither {WeightsFile} nor {IndexFile} exists");
        }
        var map = (JsonNode.Parse(File.ReadAllText(index)) as JsonObject)?["weight_map"] as JsonObject
            ?? throw new InvalidDataException($"{index}: no \"weight_map\" object");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var shard in map.Select(kv => kv.Value!.GetValue<string>()).Distinct())
        {
            var path = Path.Combine(directory, shard);
            if (!File.Exists(path))
            {
                throw new InvalidDataException($"{index}: shard {shard} does not exist");
            }
            foreach (var (name, t) in Safetensors.LoadStateDict(path, null))
            {
                result[name] = t;
            }
        }
        return result;
    }
}
