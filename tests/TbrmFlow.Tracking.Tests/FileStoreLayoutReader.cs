using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace TbrmFlow.Tracking.Tests;

/// <summary>
/// Reads an MLflow file store from its documented layout, independently of the writer:
/// <c>ROOT/&lt;exp&gt;/meta.yaml</c>, <c>ROOT/&lt;exp&gt;/&lt;run&gt;/meta.yaml</c>, <c>metrics/&lt;key&gt;</c>
/// lines <c>timestamp value step</c> (Python float text), <c>params/&lt;key&gt;</c>, <c>tags/&lt;key&gt;</c>
/// where <c>/</c> in a key is a subdirectory.
/// </summary>
public sealed class FileStoreLayoutReader(string root)
{
    public Dictionary<string, string> ExperimentMeta(string experimentId) => Yaml(Path.Combine(root, experimentId, "meta.yaml"));

    public string ExperimentIdByName(string name) =>
        Directory.GetDirectories(root).Select(Path.GetFileName).Where(d => d != ".trash")
            .Single(d => File.Exists(Path.Combine(root, d!, "meta.yaml")) && ExperimentMeta(d!)["name"] == name)!;

    public IEnumerable<string> RunIds(string experimentId) =>
        Directory.GetDirectories(Path.Combine(root, experimentId)).Where(d => File.Exists(Path.Combine(d, "meta.yaml"))).Select(d => Path.GetFileName(d)!);

    public Dictionary<string, string> RunMeta(string experimentId, string runId) => Yaml(Path.Combine(root, experimentId, runId, "meta.yaml"));

    public Dictionary<string, string> Params(string experimentId, string runId) => Values(Path.Combine(root, experimentId, runId, "params"));

    public Dictionary<string, string> Tags(string experimentId, string runId) => Values(Path.Combine(root, experimentId, runId, "tags"));

    public Dictionary<string, List<(long Timestamp, double Value, long Step)>> Metrics(string experimentId, string runId)
    {
        var result = new Dictionary<string, List<(long, double, long)>>();
        foreach (var (key, file) in KeyFiles(Path.Combine(root, experimentId, runId, "metrics")))
        {
            result[key] = File.ReadAllLines(file).Where(l => l.Length > 0).Select(l =>
            {
                var parts = l.Split(' ');
                Assert.Equal(3, parts.Length);
                var value = parts[1] switch
                {
                    "nan" => double.NaN,
                    "inf" => double.PositiveInfinity,
                    "-inf" => double.NegativeInfinity,
                    _ => double.Parse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture),
                };
                return (long.Parse(parts[0], CultureInfo.InvariantCulture), value, long.Parse(parts[2], CultureInfo.InvariantCulture));
            }).ToList();
        }
        return result;
    }

    public string ArtifactPath(string experimentId, string runId, string relative) => Path.Combine(root, experimentId, runId, "artifacts", relative);

    private static Dictionary<string, string> Values(string dir) =>
        KeyFiles(dir).ToDictionary(kv => kv.Key, kv => File.ReadAllText(kv.Value));

    private static IEnumerable<KeyValuePair<string, string>> KeyFiles(string dir) =>
        Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => KeyValuePair.Create(Path.GetRelativePath(dir, f).Replace('\\', '/'), f))
            : [];

    private static Dictionary<string, string> Yaml(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(file)));
        var map = (YamlMappingNode)stream.Documents[0].RootNode;
        return map.Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value!,
            kv => kv.Value is YamlScalarNode s ? (s.Style == YamlDotNet.Core.ScalarStyle.Plain && s.Value == "null" ? "<null>" : s.Value ?? "") : "<seq>");
    }
}
