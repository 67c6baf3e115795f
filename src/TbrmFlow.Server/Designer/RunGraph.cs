using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Server.Services;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Server.Designer;

/// <summary>
/// The graph a run page shows: the workflow as it ran, laid out where the user placed its stages in the designer
/// (the library's <c>NAME.layout.json</c>, found by the workflow file's name or, failing that, the workflow's
/// name), so the run looks like the workflow the user built. Stages the layout does not know are placed automatically.
/// </summary>
public static class RunGraph
{
    /// <summary>Builds the graph of <paramref name="run"/>.</summary>
    public static WorkflowGraph Build(RunDetailDto run, ActivityCatalog catalog, WorkflowLibrary library)
    {
        // The workflow text as it ran (from the run store); the file only for records without it.
        var text = !string.IsNullOrEmpty(run.SourceText) ? run.SourceText
            : run.SourceFile is { } file && File.Exists(file) && WorkflowText.TryRead(file, out var fromFile, out _) ? fromFile
            : library.ReadOrNull(run.Summary.Workflow);
        var parsed = text is null ? null : WorkflowParser.TryParse(text, []);
        if (parsed is null)
        {
            // No source: one node per stage, in the order the run recorded them.
            var stages = run.Stages.Select(s => s.StageId).Distinct().Select(id => new StageDefinition { Id = id, Uses = run.Stages.First(s => s.StageId == id).Activity }).ToList();
            return WorkflowGraph.Build(new WorkflowDefinition { Name = run.Summary.Workflow, Stages = stages }, catalog);
        }
        var graph = WorkflowGraph.Build(parsed, catalog);
        var names = new[] { run.SourceFile is { } source ? Path.GetFileNameWithoutExtension(source) : null, run.Summary.Workflow };
        if (names.FirstOrDefault(n => WorkflowLibrary.IsValidName(n) && library.ReadLayout(n!) is not null) is { } name)
        {
            WorkflowLayout.Parse(library.ReadLayout(name)).Apply(graph);
        }
        return graph;
    }
}
