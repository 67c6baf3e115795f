using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Yaml;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>
/// Parses workflow YAML into a <see cref="WorkflowDefinition"/>, keeping source positions. Structural
/// problems (syntax, unknown or duplicate keys, wrong shapes, names) are reported here; references,
/// activities and inputs are checked by the validator.
/// </summary>
public static partial class WorkflowParser
{
    internal static readonly string[] TopKeys = ["name", "description", "experiment", "params", "defaults", "stages"];
    internal static readonly string[] ParamKeys = ["type", "default", "description", "allowed"];
    internal static readonly string[] ParamTypes = ["string", "int", "float", "bool", "list", "object"];

    /// <summary>Reads and parses a workflow file.</summary>
    /// <exception cref="WorkflowParseException">With every error found.</exception>
    public static WorkflowDefinition ParseFile(string path) =>
        WorkflowText.TryRead(path, out var text, out var error)
            ? Parse(text, path) with { SourceFile = Path.GetFullPath(path) }
            : throw new WorkflowParseException(path, [error!]);

    /// <summary>Parses workflow text; <paramref name="file"/> is used in messages.</summary>
    /// <exception cref="WorkflowParseException">With every error found.</exception>
    public static WorkflowDefinition Parse(string text, string file)
    {
        var diagnostics = new List<Diagnostic>();
        var workflow = TryParse(text, diagnostics);
        if (workflow is null || diagnostics.Any(d => !d.IsWarning))
        {
            throw new WorkflowParseException(file, diagnostics);
        }
        return workflow;
    }

    /// <summary>
    /// Parses as much as it can, adding every problem to <paramref name="diagnostics"/>. Returns null
    /// only when the text is not a YAML mapping at all, or breaks a <see cref="WorkflowLimits">limit</see> of the YAML reader.
    /// </summary>
    /// <param name="text">The workflow text.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="cancellationToken">Stops reading (the server bounds validation time with it).</param>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static WorkflowDefinition? TryParse(string text, List<Diagnostic> diagnostics, CancellationToken cancellationToken = default)
    {
        var root = YamlTreeLoader.Load(text, diagnostics, cancellationToken);
        if (root is null)
        {
            if (diagnostics.Count == 0)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.YamlSyntax, "the file is empty; a workflow is a YAML mapping with 'name' and 'stages'", new SourceLocation(1, 1)));
            }
            return null;
        }
        if (root is not YMapping map)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.YamlSyntax, "a workflow file must be a YAML mapping with 'name' and 'stages'", root.Start));
            return null;
        }
        var p = new ParseState(diagnostics);
        p.CheckDuplicates(map);
        p.CheckKeys(map, TopKeys, "workflow");

        var name = p.String(map, "name");
        if (name is null)
        {
            p.Error(DiagnosticCodes.MissingKey, "missing required key 'name'", map.Start);
        }
        else if (!WorkflowName().IsMatch(name))
        {
            p.Error(DiagnosticCodes.BadName, $"workflow name '{name}' must match [a-z0-9-]+", map.Get("name")!.Start);
        }

        var defaults = map.Get("defaults");
        if (defaults is not null and not YMapping)
        {
            p.Error(DiagnosticCodes.BadValue, "'defaults' must be a mapping of stage fields", defaults.Start);
        }
        if (defaults is YMapping d)
        {
            p.CheckKeys(d, StageParser.DefaultKeys, "defaults");
        }

        var stages = new List<StageDefinition>();
        var stagesNode = map.Get("stages");
        if (stagesNode is YMapping stageMap && stageMap.Entries.Count > 0)
        {
            stages.AddRange(new StageParser(p, defaults as YMapping).ParseAll(stageMap));
        }
        else
        {
            p.Error(DiagnosticCodes.MissingKey, "a workflow needs 'stages:' with at least one stage", stagesNode?.Start ?? map.Start);
        }

        return new WorkflowDefinition
        {
            Name = name ?? "",
            Description = p.String(map, "description"),
            Experiment = p.String(map, "experiment"),
            Params = ParseParams(p, map.Get("params")),
            Stages = stages,
            SourceText = text,
        };
    }

    private static List<ParamDefinition> ParseParams(ParseState p, YNode? node)
    {
        var result = new List<ParamDefinition>();
        if (node is null)
        {
            return result;
        }
        if (node is not YMapping map)
        {
            p.Error(DiagnosticCodes.BadValue, "'params' must be a mapping of name: default or name: {type, default, description, allowed}", node.Start);
            return result;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            if (!seen.Add(key.Value))
            {
                continue; // reported as a duplicate key
            }
            if (!ParamName().IsMatch(key.Value))
            {
                p.Error(DiagnosticCodes.BadName, $"parameter name '{key.Value}' must match [A-Za-z_][A-Za-z0-9_]*", key.Start);
            }
            if (value is not YMapping spec || spec.Get("default") is null && spec.Get("type") is null)
            {
                result.Add(new ParamDefinition(key.Value, YamlToJson.FromTree(value)) { Location = key.Start });
                continue;
            }
            p.CheckKeys(spec, ParamKeys, $"parameter '{key.Value}'");
            var type = p.String(spec, "type");
            if (type is not null && !ParamTypes.Contains(type))
            {
                p.Error(DiagnosticCodes.BadParam, $"parameter '{key.Value}': unknown type '{type}' (types: {string.Join(", ", ParamTypes)}){Suggest.DidYouMean(type, ParamTypes)}", spec.Get("type")!.Start);
                type = null;
            }
            var allowedNode = spec.Get("allowed");
            var allowed = allowedNode is null ? null : YamlToJson.FromTree(allowedNode) as JsonArray;
            if (allowedNode is not null && allowed is null)
            {
                p.Error(DiagnosticCodes.BadParam, $"parameter '{key.Value}': 'allowed' must be a list", allowedNode.Start);
            }
            var defaultNode = spec.Get("default");
            var param = new ParamDefinition(key.Value, defaultNode is null ? null : YamlToJson.FromTree(defaultNode), p.String(spec, "description"))
            {
                Type = type,
                Allowed = allowed,
                Location = key.Start,
            };
            if (defaultNode is not null && ParamValues.Check(param, param.Default) is { } problem)
            {
                p.Error(DiagnosticCodes.BadParam, $"parameter '{key.Value}': default {problem}", defaultNode.Start);
            }
            result.Add(param);
        }
        return result;
    }

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex WorkflowName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ParamName();
}
