using System.Text.Json.Nodes;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Analysis;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Server.Designer;

/// <summary>One drawn stage (or a repeat stage's frame).</summary>
public sealed class GraphNode
{
    /// <summary>Stage path: the id, or <c>repeat/sub</c> for a repeat's sub-stage.</summary>
    public required string Path { get; init; }

    /// <summary>The stage id.</summary>
    public required string Id { get; init; }

    /// <summary>The activity type; empty for a repeat frame.</summary>
    public required string Uses { get; init; }

    /// <summary>The activity category (colour); <c>repeat</c> for a frame, <c>unknown</c> when the activity is not in the catalog.</summary>
    public required string Category { get; init; }

    /// <summary>Matrix axes as text (<c>policy × 2</c>), or null.</summary>
    public string? Matrix { get; init; }

    /// <summary>The matrix cells' instance suffixes (<c>policy=sft</c>), empty without a matrix.</summary>
    public IReadOnlyList<string> Cells { get; init; } = [];

    /// <summary>The enclosing repeat's path, or null at top level.</summary>
    public string? Parent { get; init; }

    /// <summary>The sub-stages' nodes of a repeat frame.</summary>
    public List<GraphNode> Children { get; } = [];

    /// <summary>The activity's output names.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>Input ports drawn on the left side: artifact inputs and inputs bound to an upstream output (empty without ports).</summary>
    public IReadOnlyList<GraphPort> InPorts { get; set; } = [];

    /// <summary>Output ports drawn on the right side: every output of the activity (empty without ports).</summary>
    public IReadOnlyList<GraphPort> OutPorts { get; set; } = [];

    /// <summary>Line of the stage in the YAML (1-based, 0 unknown).</summary>
    public int Line { get; init; }

    /// <summary>Layer (row) in the layout.</summary>
    public int Layer { get; set; }

    /// <summary>Left edge, absolute.</summary>
    public double X { get; set; }

    /// <summary>Top edge, absolute.</summary>
    public double Y { get; set; }

    /// <summary>Width.</summary>
    public double Width { get; set; } = GraphLayout.NodeWidth;

    /// <summary>Height.</summary>
    public double Height { get; set; } = GraphLayout.NodeHeight;

    /// <summary>True for a repeat frame.</summary>
    public bool IsGroup => Uses.Length == 0;
}

/// <summary>A typed port of a node.</summary>
/// <param name="Name">The input or output name.</param>
/// <param name="ClrType">Its .NET type (for compatibility checks).</param>
/// <param name="TypeName">The workflow language's type name (<see cref="TbrmFlow.Workflows.Validation.InputTypes.Name"/>).</param>
/// <param name="Required">Inputs: must be given.</param>
public sealed record GraphPort(string Name, Type ClrType, string TypeName, bool Required);

/// <summary>A dependency: <see cref="From"/> must finish before <see cref="To"/>; labelled with the output and input it binds, if any.</summary>
/// <param name="From">Source stage path.</param>
/// <param name="To">Target stage path.</param>
/// <param name="Output">The source's output, or null for <c>needs</c>.</param>
/// <param name="Input">The target's input, or null.</param>
public sealed record GraphEdge(string From, string To, string? Output, string? Input);

/// <summary>The graph of a workflow: nodes (repeat stages contain their sub-stages) and edges between stage paths.</summary>
public sealed class WorkflowGraph
{
    /// <summary>Top-level nodes.</summary>
    public List<GraphNode> Nodes { get; } = [];

    /// <summary>Every edge (deduplicated).</summary>
    public List<GraphEdge> Edges { get; } = [];

    /// <summary>Laid out top to bottom (no ports: the run view's narrow pane), else left to right.</summary>
    public bool Vertical { get; set; }

    /// <summary>Total width after layout.</summary>
    public double Width { get; set; }

    /// <summary>Total height after layout.</summary>
    public double Height { get; set; }

    /// <summary>Every node, frames and their children included.</summary>
    public IEnumerable<GraphNode> AllNodes => Nodes.SelectMany(n => n.Children.Prepend(n));

    private Dictionary<string, GraphNode>? _byPath;

    /// <summary>The edges added so far, for de-duplication in constant time (a file may have very many references).</summary>
    private readonly HashSet<GraphEdge> _edgeSet = [];

    /// <summary>A node by path (indexed on first use, after the graph is built).</summary>
    public GraphNode? Find(string path)
    {
        _byPath ??= AllNodes.GroupBy(n => n.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return _byPath.GetValueOrDefault(path);
    }

    /// <summary>Builds the graph of a parsed workflow and lays it out.</summary>
    /// <param name="workflow">The parsed workflow.</param>
    /// <param name="catalog">Activity descriptors (categories, ports).</param>
    /// <param name="ports">Give nodes typed input and output ports (the designer); without them nodes are compact (the run view).</param>
    public static WorkflowGraph Build(WorkflowDefinition workflow, ActivityCatalog catalog, bool ports = false)
    {
        var graph = new WorkflowGraph();
        var scope = new JsonObject
        {
            ["params"] = new JsonObject(workflow.Params.Select(p => KeyValuePair.Create(p.Name, p.Default?.DeepClone()))),
            ["run"] = new JsonObject { ["id"] = "designer" },
        };
        foreach (var stage in workflow.Stages)
        {
            var node = Node(stage, null, catalog, scope);
            graph.Nodes.Add(node);
            if (stage.Repeat is { } repeat)
            {
                foreach (var sub in repeat.Stages)
                {
                    node.Children.Add(Node(sub, stage.Id, catalog, scope));
                }
            }
        }
        foreach (var stage in workflow.Stages)
        {
            if (stage.Repeat is { } repeat)
            {
                var own = repeat.Stages.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
                foreach (var sub in repeat.Stages)
                {
                    AddEdges(graph, sub, $"{stage.Id}/{sub.Id}", id => own.Contains(id) ? $"{stage.Id}/{id}" : id, scope);
                }
                var carried = Template.Strings(repeat.Count).Concat(Template.Strings(repeat.Carry)).Select(s => s.Text);
                foreach (var key in Dependencies.Keys(carried, scope, []).Select(Dependencies.StagePart).Where(k => !own.Contains(k)))
                {
                    Add(graph, new GraphEdge(key, stage.Id, null, null));
                }
            }
            else
            {
                AddEdges(graph, stage, stage.Id, id => id, scope);
            }
        }
        graph.Edges.RemoveAll(e => graph.Find(e.From) is null || graph.Find(e.To) is null || e.From == e.To);
        if (ports)
        {
            AddPorts(graph, catalog);
        }
        graph.Vertical = !ports;
        GraphLayout.Apply(graph);
        return graph;
    }

    private static void AddPorts(WorkflowGraph graph, ActivityCatalog catalog)
    {
        var bound = graph.Edges.Where(e => e.Input is not null && e.Output is not null).Select(e => (e.To, e.Input!)).ToHashSet();
        foreach (var node in graph.AllNodes.Where(n => !n.IsGroup))
        {
            if (!catalog.TryGet(node.Uses, out var descriptor))
            {
                continue;
            }
            node.InPorts = [.. descriptor.Inputs
                .Where(i => PortRules.IsArtifact(i.ClrType) || bound.Contains((node.Path, i.Name)))
                .Select(i => new GraphPort(i.Name, i.ClrType, InputTypes.Name(i.ClrType), i.Required))];
            node.OutPorts = [.. descriptor.Outputs.Select(o => new GraphPort(o.Name, o.ClrType, InputTypes.Name(o.ClrType), false))];
            node.Height = GraphLayout.HeightWithPorts(Math.Max(node.InPorts.Count, node.OutPorts.Count));
        }
    }

    private static GraphNode Node(StageDefinition stage, string? parent, ActivityCatalog catalog, JsonObject scope)
    {
        var known = catalog.TryGet(stage.Uses, out var descriptor);
        List<string> cells = [];
        if (stage.Matrix is { } matrix)
        {
            try
            {
                cells = [.. MatrixExpander.Expand(matrix, scope).Select(c => string.Join(",", c.Select(kv => $"{kv.Key}={ExpressionEvaluator.Stringify(kv.Value)}")))];
            }
            catch (ExpressionException)
            {
                // shown without cells; the validator reports the axis
            }
        }
        return new GraphNode
        {
            Path = parent is null ? stage.Id : $"{parent}/{stage.Id}",
            Id = stage.Id,
            Uses = stage.Repeat is null ? stage.Uses : "",
            Category = stage.Repeat is not null ? "repeat" : known ? descriptor.Category : "unknown",
            Matrix = stage.Matrix is null ? null : string.Join(" × ", stage.Matrix.Axes.Select(a => a.Value is JsonArray arr ? $"{a.Key}: {arr.Count}" : a.Key)),
            Cells = cells,
            Parent = parent,
            Outputs = known ? [.. descriptor.Outputs.Select(o => o.Name)] : [],
            Line = stage.Location.Line,
        };
    }

    private static void AddEdges(WorkflowGraph graph, StageDefinition stage, string path, Func<string, string> resolve, JsonObject scope)
    {
        foreach (var need in stage.Needs)
        {
            Add(graph, new GraphEdge(resolve(need), path, null, null));
        }
        var cells = new List<JsonObject?>();
        if (stage.Matrix is { } matrix)
        {
            try
            {
                cells.AddRange(MatrixExpander.Expand(matrix, scope));
            }
            catch (ExpressionException)
            {
                // no cells: dynamic keys stay unresolved
            }
        }
        if (cells.Count == 0)
        {
            cells.Add(null);
        }
        foreach (var (input, value) in stage.With)
        {
            foreach (var (_, text) in Template.Strings(value))
            {
                foreach (var (key, output) in StageReferences(text, cells, scope))
                {
                    Add(graph, new GraphEdge(resolve(Dependencies.StagePart(key)), path, output, input));
                }
            }
        }
        foreach (var (_, text) in Template.Strings(stage.If))
        {
            foreach (var (key, _) in StageReferences(text, cells, scope))
            {
                Add(graph, new GraphEdge(resolve(Dependencies.StagePart(key)), path, null, null));
            }
        }
    }

    private static IEnumerable<(string Key, string? Output)> StageReferences(string text, List<JsonObject?> cells, JsonObject scope)
    {
        Template template;
        try
        {
            template = Template.Parse(text);
        }
        catch (ExpressionException)
        {
            yield break;
        }
        foreach (var expr in template.Segments.Select(s => s.Expression).OfType<Expr>())
        {
            foreach (var r in References.Find(expr).Where(r => r.Context == "stages"))
            {
                if (r.Name is not null)
                {
                    yield return (r.Name, r.Output);
                    continue;
                }
                foreach (var cell in cells)
                {
                    if (Dependencies.TryKey(r.Key!, scope, cell ?? [], out var key))
                    {
                        yield return (key, r.Output);
                    }
                }
            }
        }
    }

    private static void Add(WorkflowGraph graph, GraphEdge edge)
    {
        if (graph._edgeSet.Add(edge))
        {
            graph.Edges.Add(edge);
        }
    }
}
