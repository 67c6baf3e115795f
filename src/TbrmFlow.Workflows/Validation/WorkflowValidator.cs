using System.Text.Json.Nodes;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Analysis;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Workflows.Validation;

/// <summary>
/// Checks a parsed workflow against the activity catalog: activities and versions, inputs and their
/// types, expressions and what they reference, matrices, repeats and cycles. Reports everything found.
/// </summary>
/// <param name="catalog">The activities known to this process.</param>
public sealed partial class WorkflowValidator(ActivityCatalog catalog)
{
    /// <summary>Every problem in <paramref name="workflow"/>; empty when it may run.</summary>
    /// <param name="workflow">The parsed workflow.</param>
    /// <param name="cancellationToken">Checked per stage and expression (the server bounds validation time with it).</param>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public IReadOnlyList<Diagnostic> Validate(WorkflowDefinition workflow, CancellationToken cancellationToken = default)
    {
        var run = new ValidationRun(workflow, catalog, cancellationToken);
        run.CheckStages(workflow.Stages, outer: [], loop: null, repeat: null, outerCells: null);
        run.CheckCycles(workflow.Stages, "");
        foreach (var p in workflow.Params.Where(p => !run.UsedParams.Contains(p.Name)))
        {
            run.Diagnostics.Add(new Diagnostic(DiagnosticCodes.UnusedParam, $"parameter '{p.Name}' is never used", p.Location, IsWarning: true));
        }
        return run.Diagnostics;
    }

    /// <summary>
    /// Parses and validates text; diagnostics sorted by position, at most <see cref="WorkflowLimits.MaxDiagnostics"/> of them
    /// and then one that counts the rest. The workflow is null when it cannot run.
    /// </summary>
    /// <param name="text">The workflow text.</param>
    /// <param name="catalog">Known activities.</param>
    /// <param name="cancellationToken">Stops parsing and validation (the server bounds validation time with it).</param>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static (WorkflowDefinition? Workflow, IReadOnlyList<Diagnostic> Diagnostics) Load(string text, ActivityCatalog catalog, CancellationToken cancellationToken = default)
    {
        var diagnostics = new List<Diagnostic>();
        var workflow = WorkflowParser.TryParse(text, diagnostics, cancellationToken);
        if (workflow is not null)
        {
            diagnostics.AddRange(new WorkflowValidator(catalog).Validate(workflow, cancellationToken));
        }
        var sorted = diagnostics.Distinct().OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList();
        var runnable = sorted.All(d => d.IsWarning);
        if (sorted.Count > WorkflowLimits.MaxDiagnostics)
        {
            // Limit errors (they explain the rest), other errors, then warnings, so that none hides behind many lesser ones; then back in file order.
            var kept = sorted.OrderBy(d => d.IsWarning).ThenBy(d => d.Code != DiagnosticCodes.Limit).Take(WorkflowLimits.MaxDiagnostics).ToHashSet();
            var first = sorted.First(d => !kept.Contains(d));
            var more = sorted.Count - kept.Count;
            sorted = [.. sorted.Where(kept.Contains), new Diagnostic(DiagnosticCodes.Limit,
                $"{more} more problem(s) not shown, the first of them here {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxDiagnostics), WorkflowLimits.MaxDiagnostics)}", first.Location, IsWarning: true)];
        }
        return (runnable ? workflow : null, sorted);
    }

    /// <summary>State of one validation: diagnostics, the params scope and the dependency edges found.</summary>
    private sealed partial class ValidationRun(WorkflowDefinition workflow, ActivityCatalog catalog, CancellationToken cancellationToken)
    {
        public List<Diagnostic> Diagnostics { get; } = [];

        public HashSet<string> UsedParams { get; } = new(StringComparer.Ordinal);

        /// <summary>Stage id -> ids it depends on (per scope: top level, or one repeat's sub-stages).</summary>
        private readonly Dictionary<string, HashSet<string>> _edges = new(StringComparer.Ordinal);

        /// <summary>Sub-stage -> the repeat stage it is inside (nested repeats chain).</summary>
        private readonly Dictionary<StageDefinition, StageDefinition> _parentOf = new(ReferenceEqualityComparer.Instance);

        private readonly JsonObject _scope = new()
        {
            ["params"] = new JsonObject(workflow.Params.Select(p => KeyValuePair.Create(p.Name, p.Default?.DeepClone()))),
            ["run"] = new JsonObject { ["id"] = "validate" },
        };

        /// <summary>Declared parameter names, in order and as a set.</summary>
        private readonly List<string> _paramNames = [.. workflow.Params.Select(p => p.Name)];
        private readonly HashSet<string> _paramSet = [.. workflow.Params.Select(p => p.Name)];

        private void Error(string code, string message, SourceLocation at) => Diagnostics.Add(new Diagnostic(code, message, at));

        /// <summary>Checks one level of stages (the top level, or one repeat's sub-stages).</summary>
        /// <param name="stages">The stages of this level.</param>
        /// <param name="outer">Stages of enclosing levels, visible to references.</param>
        /// <param name="loop">Inside a repeat: the names <c>loop</c> has.</param>
        /// <param name="repeat">The enclosing repeat stage, or null.</param>
        /// <param name="outerCells">Inside a repeat with a matrix: its cells, which every sub-stage sees as <c>matrix</c>.</param>
        public void CheckStages(IReadOnlyList<StageDefinition> stages, IReadOnlyList<StageDefinition> outer, JsonObject? loop, StageDefinition? repeat, List<JsonObject>? outerCells)
        {
            var visible = outer.Concat(stages).ToList();
            var visibleIds = visible.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            if (repeat is not null)
            {
                foreach (var stage in stages)
                {
                    _parentOf[stage] = repeat;
                }
            }
            foreach (var stage in stages)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = EdgeKey(repeat, stage.Id);
                Edges(key);
                foreach (var (need, i) in stage.Needs.Select((n, i) => (n, i)))
                {
                    if (!visibleIds.Contains(need))
                    {
                        Error(DiagnosticCodes.UnknownStage, $"stage '{stage.Id}' needs unknown stage '{need}'{Suggest.DidYouMean(need, visible.Select(s => s.Id))}",
                            stage.LocationOf($"needs[{i}]") is var l && l != stage.Location ? l : stage.LocationOf("needs"));
                    }
                    else
                    {
                        AddEdge(repeat, stage, need);
                    }
                }
                if (stage.Repeat is { } r)
                {
                    CheckRepeat(stage, r, visible.Where(s => s.Id != stage.Id).ToList(), loop, outerCells);
                    continue;
                }
                var cells = Combine(stage, outerCells, CheckMatrix(stage));
                CountInstances(stage, cells);
                var ctx = new ExprContext(stage, visible, stages, cells, loop, repeat);
                if (stage.Uses.Length > 0)
                {
                    CheckActivity(stage);
                }
                foreach (var (path, text) in Template.Strings(stage.With))
                {
                    CheckTemplate(text, stage.LocationOf("with." + path), ctx);
                }
                foreach (var (_, text) in Template.Strings(stage.If))
                {
                    CheckTemplate(text, stage.LocationOf("if"), ctx);
                }
            }
        }

        /// <param name="stage">The repeat stage.</param>
        /// <param name="r">Its repeat definition.</param>
        /// <param name="outer">Stages visible around it.</param>
        /// <param name="enclosingLoop">For a nested repeat: the enclosing repeat's <c>loop</c>, which its count and carry may read.</param>
        /// <param name="enclosingCells">For a repeat inside a repeat with a matrix: those cells.</param>
        private void CheckRepeat(StageDefinition stage, RepeatDefinition r, List<StageDefinition> outer, JsonObject? enclosingLoop, List<JsonObject>? enclosingCells)
        {
            var carryNames = new JsonObject(r.Carry.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)null)));
            carryNames["index"] = 0;
            var cells = Combine(stage, enclosingCells, CheckMatrix(stage));
            CountInstances(stage, cells);
            var outerOnly = new ExprContext(stage, outer, [], cells, enclosingLoop, stage);
            foreach (var (path, text) in Template.Strings(r.Count))
            {
                CheckTemplate(text, stage.LocationOf("repeat"), outerOnly);
            }
            foreach (var (path, text) in Template.Strings(r.Carry))
            {
                CheckTemplate(text, stage.LocationOf("carry." + path), outerOnly);
            }
            var enclosingIterations = _iterations;
            _iterations = NestedIterations(stage, r);
            CheckStages(r.Stages, outer, carryNames, stage, cells);
            _iterations = enclosingIterations;
            var inner = new ExprContext(stage, outer.Concat(r.Stages).ToList(), r.Stages, cells, carryNames, stage);
            foreach (var (path, text) in Template.Strings(r.Next))
            {
                CheckTemplate(text, stage.LocationOf("next." + path), inner);
            }
            if (r.Until is { } until)
            {
                if (Template.Contains(until))
                {
                    CheckTemplate(until, stage.LocationOf("until"), inner);
                }
                else
                {
                    Error(DiagnosticCodes.Repeat, $"stage '{stage.Id}': 'until' must be an expression such as \"${{{{ loop.index >= 3 }}}}\"", stage.LocationOf("until"));
                }
            }
            CheckCycles(r.Stages, stage.Id);
        }

        private List<JsonObject>? CheckMatrix(StageDefinition stage)
        {
            if (stage.Matrix is not { } matrix)
            {
                return null;
            }
            var axes = matrix.Axes.Select(a => a.Key).ToList();
            foreach (var ex in matrix.Exclude)
            {
                foreach (var key in ex.Select(kv => kv.Key).Where(k => !axes.Contains(k)))
                {
                    Error(DiagnosticCodes.Matrix, $"stage '{stage.Id}': exclude uses '{key}', which is not a matrix axis (axes: {string.Join(", ", axes)}){Suggest.DidYouMean(key, axes)}", stage.LocationOf("matrix.exclude"));
                }
            }
            foreach (var (key, raw) in matrix.Axes)
            {
                foreach (var (_, text) in Template.Strings(raw))
                {
                    CheckTemplate(text, stage.LocationOf("matrix." + key), new ExprContext(stage, [], [], null, null, null));
                }
            }
            try
            {
                var cells = MatrixExpander.Expand(matrix, _scope);
                if (cells.Count == 0 && matrix.Exclude.Count > 0)
                {
                    Error(DiagnosticCodes.Matrix, $"stage '{stage.Id}': the matrix has no cells left after 'exclude'", stage.LocationOf("matrix"));
                }
                var ids = cells.Select(c => MatrixExpander.InstanceId(stage.Id, c)).ToList();
                foreach (var dup in ids.GroupBy(i => i).Where(g => g.Count() > 1))
                {
                    Error(DiagnosticCodes.Matrix, $"stage '{stage.Id}': the matrix produces '{dup.Key}' {dup.Count()} times", stage.LocationOf("matrix"));
                }
                return cells;
            }
            catch (ExpressionException e)
            {
                Error(e.IsLimit ? DiagnosticCodes.Limit : DiagnosticCodes.Matrix, $"stage '{stage.Id}': {e.Message}", stage.LocationOf("matrix"));
                return null;
            }
        }

        private static string EdgeKey(StageDefinition? repeat, string id) => repeat is null ? id : repeat.Id + "/" + id;

        /// <summary>
        /// Records that <paramref name="from"/> (a stage among <paramref name="level"/>'s sub-stages, or a top-level
        /// stage when null) reads <paramref name="to"/>. A reference to a stage outside the level makes the enclosing
        /// repeat depend on it, at the level where <paramref name="to"/> is a sibling (repeats may be nested).
        /// </summary>
        private void AddEdge(StageDefinition? level, StageDefinition from, string to)
        {
            if (level is not null && ReferenceEquals(from, level))
            {
                // The repeat's own count/carry/next/until: its sub-stages are inside it; it sits one level up.
                if (level.Repeat!.Stages.Any(s => s.Id == to))
                {
                    return;
                }
                level = _parentOf.GetValueOrDefault(level);
            }
            while (true)
            {
                var siblings = level?.Repeat!.Stages ?? workflow.Stages;
                if (siblings.Any(s => s.Id == to))
                {
                    Edges(EdgeKey(level, from.Id)).Add(EdgeKey(level, to));
                    return;
                }
                if (level is null)
                {
                    return;
                }
                from = level;
                level = _parentOf.GetValueOrDefault(level);
            }
        }

        private HashSet<string> Edges(string key)
        {
            if (!_edges.TryGetValue(key, out var set))
            {
                _edges[key] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            return set;
        }
    }
}
