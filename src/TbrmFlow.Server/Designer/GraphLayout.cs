namespace TbrmFlow.Server.Designer;

/// <summary>
/// Layered (Sugiyama-style, simplified) layout, left to right (inputs on a node's left side, outputs
/// on its right, as in Elsa Studio): longest-path layers as columns, two barycentre sweeps to reduce
/// crossings, then columns centred. Graphs without ports (the run view) are laid out top to bottom in rows. A repeat frame is laid out inside first and then
/// placed as one big node. Linear in nodes plus edges per sweep, so 100 stages take well under a millisecond.
/// </summary>
public static class GraphLayout
{
    /// <summary>Node width in pixels.</summary>
    public const double NodeWidth = 184;

    /// <summary>Node height in pixels.</summary>
    public const double NodeHeight = 58;

    /// <summary>Height of a node's title rows (id, activity) above its port rows.</summary>
    public const double PortTop = 44;

    /// <summary>Height of one port row.</summary>
    public const double PortRow = 16;

    /// <summary>Horizontal gap between columns (room for edge labels).</summary>
    public const double GapX = 76;

    /// <summary>Vertical gap between nodes of a column.</summary>
    public const double GapY = 26;

    private const double RowGapX = 28;
    private const double RowGapY = 46;
    private const double FramePad = 16;
    private const double FrameHeader = 26;

    /// <summary>The height of a node with <paramref name="rows"/> port rows.</summary>
    public static double HeightWithPorts(int rows) => Math.Max(NodeHeight, PortTop + PortRow * rows + 6);

    /// <summary>The y of the centre of port row <paramref name="index"/> of <paramref name="node"/>; the node's middle when it has no such port.</summary>
    public static double PortY(GraphNode node, int index) => index < 0 ? node.Y + node.Height / 2 : node.Y + PortTop + PortRow * index + PortRow / 2;

    /// <summary>Computes every node's position and the graph's size.</summary>
    public static void Apply(WorkflowGraph graph)
    {
        foreach (var frame in graph.Nodes.Where(n => n.IsGroup))
        {
            var inner = graph.Edges.Where(e => frame.Children.Any(c => c.Path == e.From) && frame.Children.Any(c => c.Path == e.To))
                .Select(e => (e.From, e.To)).ToList();
            var (w, h) = Place(frame.Children, inner, FramePad, FrameHeader + FramePad, graph.Vertical);
            frame.Width = Math.Max(NodeWidth, w + FramePad);
            frame.Height = h + FramePad;
        }
        string Top(string path) => graph.Find(path)?.Parent ?? path;
        var edges = graph.Edges.Select(e => (From: Top(e.From), To: Top(e.To))).Where(e => e.From != e.To).Distinct().ToList();
        var (width, height) = Place(graph.Nodes, edges, 20, 20, graph.Vertical);
        foreach (var frame in graph.Nodes.Where(n => n.IsGroup))
        {
            foreach (var c in frame.Children)
            {
                c.X += frame.X;
                c.Y += frame.Y;
            }
        }
        graph.Width = width + 20;
        graph.Height = height + 20;
    }

    /// <summary>Places <paramref name="nodes"/> with offsets; returns the extent (right, bottom).</summary>
    private static (double Width, double Height) Place(List<GraphNode> nodes, List<(string From, string To)> edges, double left, double top, bool vertical)
    {
        if (nodes.Count == 0)
        {
            return (left, top);
        }
        var index = nodes.Select((n, i) => (n.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);
        var preds = nodes.Select(_ => new List<int>()).ToArray();
        var succs = nodes.Select(_ => new List<int>()).ToArray();
        foreach (var (from, to) in edges)
        {
            if (index.TryGetValue(from, out var f) && index.TryGetValue(to, out var t) && f != t)
            {
                preds[t].Add(f);
                succs[f].Add(t);
            }
        }
        // Longest path from the sources, in a DFS order that ignores back edges (cycles are reported by the validator).
        var layer = new int[nodes.Count];
        var state = new int[nodes.Count];
        var order = new List<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            Visit(i);
        }
        void Visit(int start)
        {
            var stack = new Stack<(int Node, int Next)>();
            if (state[start] != 0)
            {
                return;
            }
            state[start] = 1;
            stack.Push((start, 0));
            while (stack.Count > 0)
            {
                var (n, next) = stack.Pop();
                if (next < preds[n].Count)
                {
                    stack.Push((n, next + 1));
                    var p = preds[n][next];
                    if (state[p] == 0)
                    {
                        state[p] = 1;
                        stack.Push((p, 0));
                    }
                    continue;
                }
                state[n] = 2;
                order.Add(n);
            }
        }
        var rank = new int[nodes.Count];
        for (var k = 0; k < order.Count; k++)
        {
            rank[order[k]] = k;
        }
        foreach (var n in order)
        {
            layer[n] = preds[n].Where(p => rank[p] < rank[n]).Select(p => layer[p] + 1).DefaultIfEmpty(0).Max();
        }
        var layers = Enumerable.Range(0, layer.Max() + 1).Select(l => Enumerable.Range(0, nodes.Count).Where(i => layer[i] == l).ToList()).ToList();
        // Barycentre sweeps: down by predecessors, then up by successors.
        var position = new double[nodes.Count];
        void Number()
        {
            foreach (var row in layers)
            {
                for (var k = 0; k < row.Count; k++)
                {
                    position[row[k]] = k;
                }
            }
        }
        Number();
        for (var sweep = 0; sweep < 2; sweep++)
        {
            for (var l = 1; l < layers.Count; l++)
            {
                layers[l] = [.. layers[l].OrderBy(i => preds[i].Count == 0 ? position[i] : preds[i].Average(p => position[p])).ThenBy(i => i)];
                Number();
            }
            for (var l = layers.Count - 2; l >= 0; l--)
            {
                layers[l] = [.. layers[l].OrderBy(i => succs[i].Count == 0 ? position[i] : succs[i].Average(s => position[s])).ThenBy(i => i)];
                Number();
            }
        }
        if (vertical)
        {
            // Rows top to bottom (the run view's narrow pane).
            var rowWidths = layers.Select(r => r.Sum(i => nodes[i].Width) + RowGapX * (r.Count - 1)).ToList();
            var maxWidth = rowWidths.Max();
            var rowY = top;
            for (var l = 0; l < layers.Count; l++)
            {
                var rowX = left + (maxWidth - rowWidths[l]) / 2;
                foreach (var i in layers[l])
                {
                    (nodes[i].X, nodes[i].Y, nodes[i].Layer) = (rowX, rowY, l);
                    rowX += nodes[i].Width + RowGapX;
                }
                rowY += layers[l].Max(i => nodes[i].Height) + RowGapY;
            }
            return (left + maxWidth, rowY - RowGapY);
        }
        var columnHeights = layers.Select(r => r.Sum(i => nodes[i].Height) + GapY * (r.Count - 1)).ToList();
        var maxHeight = columnHeights.Max();
        var x = left;
        for (var l = 0; l < layers.Count; l++)
        {
            var y = top + (maxHeight - columnHeights[l]) / 2;
            foreach (var i in layers[l])
            {
                nodes[i].X = x;
                nodes[i].Y = y;
                nodes[i].Layer = l;
                y += nodes[i].Height + GapY;
            }
            x += layers[l].Max(i => nodes[i].Width) + GapX;
        }
        return (x - GapX, top + maxHeight);
    }
}
