using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>Parses workflow YAML into a <see cref="WorkflowDefinition"/>, keeping source positions.</summary>
public static class WorkflowParser
{
    /// <summary>Reads and parses a workflow file.</summary>
    /// <exception cref="WorkflowParseException">With every error found.</exception>
    public static WorkflowDefinition ParseFile(string path) =>
        Parse(File.ReadAllText(path), path) with { SourceFile = Path.GetFullPath(path) };

    /// <summary>Parses workflow text; <paramref name="file"/> is used in messages.</summary>
    /// <exception cref="WorkflowParseException">With every error found.</exception>
    public static WorkflowDefinition Parse(string text, string file)
    {
        var errors = new List<Diagnostic>();
        var root = LoadRoot(text, file);
        var name = Scalar(root, "name");
        if (name is null)
        {
            errors.Add(new Diagnostic("TF0002", "missing required key 'name'", Location(root)));
        }

        var stages = new List<StageDefinition>();
        if (Child(root, "stages") is YamlMappingNode stageMap && stageMap.Children.Count > 0)
        {
            foreach (var (key, value) in stageMap.Children)
            {
                var id = ((YamlScalarNode)key).Value ?? "";
                if (value is not YamlMappingNode stage || Scalar(stage, "uses") is not { } uses)
                {
                    errors.Add(new Diagnostic("TF0002", $"stage '{id}' needs 'uses: <activity>'", Location(key)));
                    continue;
                }
                stages.Add(new StageDefinition
                {
                    Id = id,
                    Uses = uses.Split('@')[0],
                    With = Child(stage, "with") is { } with ? YamlToJson.Convert(with) as JsonObject ?? [] : [],
                    Location = Location(key),
                });
            }
        }
        else
        {
            errors.Add(new Diagnostic("TF0002", "a workflow needs 'stages:' with at least one stage", Location(root)));
        }

        var parameters = new List<ParamDefinition>();
        if (Child(root, "params") is YamlMappingNode paramMap)
        {
            foreach (var (key, value) in paramMap.Children)
            {
                var pname = ((YamlScalarNode)key).Value ?? "";
                parameters.Add(value is YamlMappingNode spec
                    ? new ParamDefinition(pname, Child(spec, "default") is { } d ? YamlToJson.Convert(d) : null, Scalar(spec, "description"))
                    : new ParamDefinition(pname, YamlToJson.Convert(value)));
            }
        }

        if (errors.Count > 0)
        {
            throw new WorkflowParseException(file, errors);
        }
        return new WorkflowDefinition
        {
            Name = name!,
            Description = Scalar(root, "description"),
            Experiment = Scalar(root, "experiment"),
            Params = parameters,
            Stages = stages,
        };
    }

    private static YamlMappingNode LoadRoot(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            throw new WorkflowParseException(file, [new Diagnostic("TF0001", $"YAML syntax: {message}", new SourceLocation((int)e.Start.Line, (int)e.Start.Column))]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new WorkflowParseException(file, [new Diagnostic("TF0001", "a workflow file must be a YAML mapping", new SourceLocation(1, 1))]);
        }
        return root;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private static SourceLocation Location(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);
}
