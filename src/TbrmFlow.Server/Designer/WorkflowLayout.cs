using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Server.Designer;

/// <summary>
/// Node positions the user chose in the designer, kept beside the workflow in <c>NAME.layout.json</c>
/// (<c>{"version": 1, "nodes": {"data": {"x": 20, "y": 20}}}</c>) so the YAML is never touched. Top-level
/// stages only (a repeat's sub-stages move with its frame). A missing, unreadable or stale sidecar is
/// never an error: unknown stages are ignored and stages without a position are placed automatically.
/// </summary>
public sealed class WorkflowLayout
{
    private readonly SortedDictionary<string, (double X, double Y)> _nodes = new(StringComparer.Ordinal);

    /// <summary>Grid cell width used to find a free spot.</summary>
    public const double CellWidth = GraphLayout.NodeWidth + GraphLayout.GapX;

    /// <summary>Columns of the grid new stages are placed in.</summary>
    public const int GridColumns = 3;

    private const double Margin = 20;

    /// <summary>Stage ids with a position.</summary>
    public IReadOnlyCollection<string> Stages => _nodes.Keys;

    /// <summary>True when no position is kept (the automatic layout applies).</summary>
    public bool IsEmpty => _nodes.Count == 0;

    /// <summary>The kept position of <paramref name="stage"/>, if any.</summary>
    public (double X, double Y)? this[string stage] => _nodes.TryGetValue(stage, out var p) ? p : null;

    /// <summary>Reads a sidecar's text; anything unreadable gives an empty layout (the sidecar is optional).</summary>
    public static WorkflowLayout Parse(string? json)
    {
        var layout = new WorkflowLayout();
        if (string.IsNullOrWhiteSpace(json))
        {
            return layout;
        }
        try
        {
            if (JsonNode.Parse(json) is JsonObject { } root && root["nodes"] is JsonObject nodes)
            {
                foreach (var (id, value) in nodes)
                {
                    if (value is JsonObject p && Number(p["x"]) is { } x && Number(p["y"]) is { } y)
                    {
                        layout.Set(id, x, y);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: no positions
        }
        return layout;
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;

    /// <summary>The sidecar's text (ids sorted, positions rounded to whole pixels), or null when there is nothing to keep.</summary>
    public string? ToJson()
    {
        if (_nodes.Count == 0)
        {
            return null;
        }
        var nodes = new JsonObject();
        foreach (var (id, (x, y)) in _nodes)
        {
            nodes[id] = new JsonObject { ["x"] = Math.Round(x), ["y"] = Math.Round(y) };
        }
        return new JsonObject { ["version"] = 1, ["nodes"] = nodes }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Keeps <paramref name="stage"/> at (x, y), clamped to the positive quadrant.</summary>
    public void Set(string stage, double x, double y) => _nodes[stage] = (Math.Max(0, x), Math.Max(0, y));

    /// <summary>Forgets a stage's position.</summary>
    public void Remove(string stage) => _nodes.Remove(stage);

    /// <summary>Moves a stage's position to its new id.</summary>
    public void Rename(string stage, string newId)
    {
        if (_nodes.Remove(stage, out var p))
        {
            _nodes[newId] = p;
        }
    }

    /// <summary>Forgets every position (back to the automatic layout).</summary>
    public void Clear() => _nodes.Clear();

    /// <summary>Keeps the current position of every top-level node, so that later edits do not move anything the user sees.</summary>
    public void Freeze(WorkflowGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            Set(node.Id, node.X, node.Y);
        }
    }

    /// <summary>
    /// Moves the graph's top-level nodes (frames with their sub-stages) to their kept positions; when any
    /// position is kept, nodes without one go to the next free grid spot; then recomputes the graph's size.
    /// </summary>
    public void Apply(WorkflowGraph graph)
    {
        if (_nodes.Count == 0)
        {
            return;
        }
        var placed = new List<GraphNode>();
        foreach (var node in graph.Nodes)
        {
            if (this[node.Id] is { } p)
            {
                MoveTo(node, p.X, p.Y);
                placed.Add(node);
            }
        }
        foreach (var node in graph.Nodes.Where(n => this[n.Id] is null))
        {
            var (x, y) = FreeSpot(placed, node.Width, node.Height);
            MoveTo(node, x, y);
            placed.Add(node);
        }
        graph.Width = graph.AllNodes.Select(n => n.X + n.Width).DefaultIfEmpty(0).Max() + Margin;
        graph.Height = graph.AllNodes.Select(n => n.Y + n.Height).DefaultIfEmpty(0).Max() + Margin;
    }

    /// <summary>
    /// The first cell, row by row in a grid of <see cref="GridColumns"/> columns, where a node of this size
    /// overlaps none of <paramref name="nodes"/>.
    /// </summary>
    public static (double X, double Y) FreeSpot(IReadOnlyCollection<GraphNode> nodes, double width = GraphLayout.NodeWidth, double height = GraphLayout.NodeHeight)
    {
        var rowHeight = Math.Max(height, nodes.Select(n => n.Height).DefaultIfEmpty(0).Max()) + GraphLayout.GapY;
        for (var cell = 0; ; cell++)
        {
            var x = Margin + cell % GridColumns * CellWidth;
            var y = Margin + cell / GridColumns * rowHeight;
            if (!nodes.Any(n => x < n.X + n.Width + 8 && n.X < x + width + 8 && y < n.Y + n.Height + 8 && n.Y < y + height + 8))
            {
                return (x, y);
            }
        }
    }

    private static void MoveTo(GraphNode node, double x, double y)
    {
        var (dx, dy) = (x - node.X, y - node.Y);
        node.X = x;
        node.Y = y;
        foreach (var child in node.Children)
        {
            child.X += dx;
            child.Y += dy;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join("; ", _nodes.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}@{kv.Value.X},{kv.Value.Y}")));
}
