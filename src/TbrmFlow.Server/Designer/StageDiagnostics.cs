namespace TbrmFlow.Server.Designer;

/// <summary>Error and warning counts of one stage, for the badge on its node.</summary>
/// <param name="Errors">Errors reported inside the stage's lines.</param>
/// <param name="Warnings">Warnings reported there.</param>
/// <param name="First">The first message (the badge's tooltip).</param>
public sealed record StageProblems(int Errors, int Warnings, string First);

/// <summary>Which stage each diagnostic belongs to: the stage whose lines hold the diagnostic's line.</summary>
public static class StageDiagnostics
{
    /// <summary>
    /// Problems per stage path. A diagnostic belongs to the node with the greatest start line not after the
    /// diagnostic's line (a repeat's sub-stage before its frame), so diagnostics before the first stage
    /// (params, the file's header) belong to no stage.
    /// </summary>
    public static IReadOnlyDictionary<string, StageProblems> ByStage(WorkflowGraph graph, IEnumerable<(int Line, bool IsWarning, string Message)> diagnostics)
    {
        var starts = graph.AllNodes.Where(n => n.Line > 0).OrderBy(n => n.Line).ThenBy(n => n.Parent is null ? 0 : 1).ToList();
        var result = new Dictionary<string, StageProblems>(StringComparer.Ordinal);
        if (starts.Count == 0)
        {
            return result;
        }
        foreach (var (line, warning, message) in diagnostics)
        {
            var owner = starts.LastOrDefault(n => n.Line <= line);
            if (owner is null)
            {
                continue;
            }
            var known = result.GetValueOrDefault(owner.Path) ?? new StageProblems(0, 0, message);
            result[owner.Path] = warning ? known with { Warnings = known.Warnings + 1 } : known with { Errors = known.Errors + 1, First = known.Errors == 0 ? message : known.First };
        }
        return result;
    }
}
