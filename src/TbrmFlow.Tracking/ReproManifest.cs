using System.Reflection;
using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Tracking;

/// <summary>
/// What it takes to repeat a run: the resolved params and stage inputs (the plan as run), versions
/// of TbrmFlow, TorchSharp and libtorch, the seeds and devices, and the content hashes of data.
/// </summary>
public static class ReproManifest
{
    /// <summary>Builds the manifest. Versions are read from the loaded assemblies by name (Tracking
    /// does not reference TorchSharp) and from what the host passes.</summary>
    public static JsonObject Build(RunInfo run, IEnumerable<StageInfo> stages, IReadOnlyDictionary<string, string> hostVersions)
    {
        var versions = new JsonObject();
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies()
                     .Where(a => a.GetName().Name is { } n && (n.StartsWith("TbrmFlow", StringComparison.Ordinal) || n == "TorchSharp" || n == "tbrmflow"))
                     .OrderBy(a => a.GetName().Name, StringComparer.Ordinal))
        {
            versions[assembly.GetName().Name!] = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString();
        }
        foreach (var (name, version) in hostVersions)
        {
            versions[name] = version;
        }
        versions[".NET"] = Environment.Version.ToString();
        var seeds = new JsonObject();
        var devices = new JsonObject();
        var data = new JsonObject();
        var plan = new JsonObject();
        foreach (var (key, value) in ParamFlattener.Flatten(run.Params).Where(p => p.Key.Contains("seed", StringComparison.Ordinal)))
        {
            seeds["params." + key] = value;
        }
        foreach (var stage in stages.OrderBy(s => s.StageId, StringComparer.Ordinal))
        {
            plan[stage.StageId] = new JsonObject
            {
                ["activity"] = stage.Activity,
                ["version"] = stage.ActivityVersion,
                ["attempt"] = stage.Attempt,
                ["inputs"] = stage.Inputs.DeepClone(),
            };
            foreach (var (key, node) in stage.Inputs)
            {
                if (ParamFlattener.IsArtifact(node, out var kind, out var path, out var hash))
                {
                    data[stage.StageId + "." + key] = new JsonObject { ["kind"] = kind, ["path"] = path, ["hash"] = hash };
                }
                else if (key.Contains("seed", StringComparison.Ordinal))
                {
                    seeds[stage.StageId + "." + key] = node?.DeepClone();
                }
                else if (key == "device")
                {
                    devices[stage.StageId] = node?.DeepClone();
                }
            }
        }
        return new JsonObject
        {
            ["tbrmflow_run_id"] = run.RunId,
            ["workflow"] = run.WorkflowName,
            ["experiment"] = run.Experiment,
            ["source_file"] = run.SourceFile,
            ["params"] = run.Params.DeepClone(),
            ["versions"] = versions,
            ["seeds"] = seeds,
            ["devices"] = devices,
            ["data"] = data,
            ["plan"] = plan,
            ["machine"] = new JsonObject { ["os"] = Environment.OSVersion.ToString(), ["processors"] = Environment.ProcessorCount },
        };
    }
}
