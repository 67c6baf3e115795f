using Spectre.Console;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Cli.Commands;

/// <summary>Loads and validates a workflow file, printing every diagnostic as FILE:LINE:COL.</summary>
internal static class WorkflowFiles
{
    /// <summary>The workflow, or null (diagnostics printed) when it has errors or cannot be read.</summary>
    public static WorkflowDefinition? Load(string file, ActivityCatalog catalog)
    {
        if (!File.Exists(file))
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] workflow file not found: {file}");
            return null;
        }
        string text;
        try
        {
            if (!WorkflowText.TryRead(file, out text, out var error))
            {
                Console.Error.WriteLine(error!.Format(file));
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] cannot read {file}: {e.Message}");
            return null;
        }
        var (workflow, diagnostics) = WorkflowValidator.Load(text, catalog);
        foreach (var d in diagnostics)
        {
            Console.Error.WriteLine(d.Format(file));
        }
        return workflow is null ? null : workflow with { SourceFile = Path.GetFullPath(file) };
    }
}
