using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Artifacts;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// The cache key of a stage: SHA-256 over the activity type, its version and the resolved inputs in
/// canonical JSON (sorted keys), where every artifact counts by its content hash, not its path.
/// </summary>
internal static class CacheKeys
{
    public static async Task<string> ComputeAsync(ActivityDescriptor descriptor, JsonObject inputs, CancellationToken ct)
    {
        var canonical = new JsonObject();
        foreach (var (name, value) in inputs)
        {
            var port = descriptor.Inputs.FirstOrDefault(p => p.Name == name);
            var isArtifact = port is not null && typeof(Abstractions.Artifacts.ArtifactReference).IsAssignableFrom(port.ClrType);
            canonical[name] = isArtifact && value is JsonValue v && v.TryGetValue<string>(out var path)
                ? new JsonObject { ["hash"] = await HashPathAsync(path, ct) }
                : await CanonicalAsync(value, ct);
        }
        var document = new JsonObject { ["type"] = descriptor.Type, ["version"] = descriptor.Version, ["inputs"] = Sorted(canonical) };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document.ToJsonString())));
    }

    /// <summary>True when every artifact path in <paramref name="outputs"/> still exists.</summary>
    public static bool ArtifactsExist(JsonNode? outputs) => outputs switch
    {
        JsonObject o when o.ContainsKey("kind") && o["path"] is JsonValue p && p.TryGetValue<string>(out var path) => Directory.Exists(path) || File.Exists(path),
        JsonObject o => o.All(kv => ArtifactsExist(kv.Value)),
        JsonArray a => a.All(ArtifactsExist),
        _ => true,
    };

    private static async Task<JsonNode?> CanonicalAsync(JsonNode? node, CancellationToken ct)
    {
        switch (node)
        {
            case JsonObject o when o.ContainsKey("kind") && o.ContainsKey("path"):
                var hash = o["hash"]?.GetValue<string>() ?? await HashPathAsync(o["path"]!.GetValue<string>(), ct);
                return new JsonObject { ["kind"] = o["kind"]?.DeepClone(), ["hash"] = hash };
            case JsonObject o:
                var obj = new JsonObject();
                foreach (var (k, v) in o)
                {
                    obj[k] = await CanonicalAsync(v, ct);
                }
                return Sorted(obj);
            case JsonArray a:
                var arr = new JsonArray();
                foreach (var item in a)
                {
                    arr.Add(await CanonicalAsync(item, ct));
                }
                return arr;
            default:
                return node?.DeepClone();
        }
    }

    private static async Task<string> HashPathAsync(string path, CancellationToken ct)
    {
        if (Directory.Exists(path))
        {
            return await LocalArtifactStore.HashDirectoryAsync(path, ct);
        }
        if (File.Exists(path))
        {
            await using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        }
        return "missing:" + Path.GetFullPath(path);
    }

    private static JsonObject Sorted(JsonObject obj) =>
        new(obj.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));

    public static string Serialize(JsonNode? node) => node?.ToJsonString(JsonSerializerOptions.Default) ?? "null";
}
