using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Server.Designer;

/// <summary>
/// Which output may feed which input, and whether a new connection is allowed in a graph: the rules
/// behind the designer's port drag (compatible ports light up, the others are refused with the reason).
/// </summary>
public static class PortRules
{
    /// <summary>True for artifact types (PromptSet, Checkpoint, RolloutBatch, EvalReport, ...): the inputs that get a port by default.</summary>
    public static bool IsArtifact(Type type) => typeof(ArtifactReference).IsAssignableFrom(Nullable.GetUnderlyingType(type) ?? type);

    /// <summary>
    /// Null when an output of type <paramref name="output"/> can be bound to an input of type
    /// <paramref name="input"/>, else why not. Same workflow type (lists: same item type; enums and
    /// objects: the same .NET type; artifacts: the input's type or a subtype), and int into float.
    /// </summary>
    public static string? Incompatibility(Type output, Type input)
    {
        var o = Nullable.GetUnderlyingType(output) ?? output;
        var i = Nullable.GetUnderlyingType(input) ?? input;
        var on = InputTypes.Name(o);
        var inName = InputTypes.Name(i);
        var ok = (on, inName) switch
        {
            ("int", "float") => true,
            _ when IsArtifact(i) => IsArtifact(o) && i.IsAssignableFrom(o),
            _ when on != inName => false,
            ("list", _) => Incompatibility(InputTypes.ItemType(o)!, InputTypes.ItemType(i)!) is null,
            ("enum", _) or ("object", _) => i.IsAssignableFrom(o),
            _ => true,
        };
        return ok ? null : $"a {InputTypes.Describe(o)} output cannot feed a {InputTypes.Describe(i)} input";
    }

    /// <summary>
    /// Null when output <paramref name="output"/> of stage <paramref name="fromPath"/> may be connected to input
    /// <paramref name="input"/> of <paramref name="toPath"/>; else the reason shown to the user: unknown port,
    /// the same stage, a sub-stage's output outside its repeat, incompatible types, or a cycle.
    /// </summary>
    public static string? Refusal(WorkflowGraph graph, string fromPath, string output, string toPath, string input)
    {
        if (graph.Find(fromPath) is not { } from || graph.Find(toPath) is not { } to)
        {
            return "unknown stage";
        }
        if (from.OutPorts.FirstOrDefault(p => p.Name == output) is not { } source)
        {
            return $"'{from.Id}' has no output '{output}'";
        }
        if (to.InPorts.FirstOrDefault(p => p.Name == input) is not { } target)
        {
            return $"'{to.Id}' has no input '{input}'";
        }
        if (fromPath == toPath)
        {
            return "a stage cannot feed itself";
        }
        if (from.Parent is not null && from.Parent != to.Parent)
        {
            return $"the outputs of '{from.Path}' are only visible inside repeat '{from.Parent}'";
        }
        if (Incompatibility(source.ClrType, target.ClrType) is { } why)
        {
            return why;
        }
        if (Reaches(graph, toPath, fromPath))
        {
            return $"'{to.Id}' already runs before '{from.Id}': the connection would make a cycle";
        }
        return null;
    }

    /// <summary>True when <paramref name="to"/> is reachable from <paramref name="from"/> along the graph's edges (or is it); across levels a repeat frame stands for its sub-stages.</summary>
    public static bool Reaches(WorkflowGraph graph, string from, string to)
    {
        string Top(string path) => graph.Find(path)?.Parent ?? path;
        var next = graph.Edges.SelectMany(e => new[] { (e.From, e.To), (Top(e.From), Top(e.To)) })
            .Where(e => e.Item1 != e.Item2).ToLookup(e => e.Item1, e => e.Item2, StringComparer.Ordinal);
        // Inside one repeat the sub-stages are distinct; across levels a frame stands for its sub-stages.
        var across = Top(from) != Top(to);
        var targets = new HashSet<string>(StringComparer.Ordinal) { to };
        var queue = new Queue<string>([from]);
        if (across)
        {
            targets.Add(Top(to));
            queue.Enqueue(Top(from));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            if (targets.Contains(n))
            {
                return true;
            }
            if (seen.Add(n))
            {
                foreach (var m in next[n])
                {
                    queue.Enqueue(m);
                }
            }
        }
        return false;
    }
}

/// <summary>A connection asked for by dragging an output port onto an input port.</summary>
/// <param name="FromPath">The source stage path.</param>
/// <param name="Output">Its output.</param>
/// <param name="ToPath">The target stage path.</param>
/// <param name="Input">Its input.</param>
public sealed record PortConnection(string FromPath, string Output, string ToPath, string Input);

/// <summary>A node dragged to a new position (graph coordinates of its top-left corner).</summary>
/// <param name="Path">The stage path.</param>
/// <param name="X">Left.</param>
/// <param name="Y">Top.</param>
public sealed record NodeMove(string Path, double X, double Y);
