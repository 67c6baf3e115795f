using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Analysis;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Workflows.Validation;

public sealed partial class WorkflowValidator
{
    /// <summary>What an expression may see where it is written.</summary>
    private sealed record ExprContext(
        StageDefinition Stage,
        IReadOnlyList<StageDefinition> Visible,
        IReadOnlyList<StageDefinition> Siblings,
        List<JsonObject>? Cells,
        JsonObject? Loop,
        StageDefinition? Repeat);

    private sealed partial class ValidationRun
    {
        public void CheckActivity(StageDefinition stage)
        {
            if (!catalog.TryGet(stage.Uses, out var descriptor))
            {
                var known = catalog.All.Select(d => d.Type).ToList();
                Error(DiagnosticCodes.UnknownActivity, $"unknown activity '{stage.Uses}'{Suggest.DidYouMean(stage.Uses, known)} (known: {string.Join(", ", known)})", stage.LocationOf("uses"));
                return;
            }
            if (stage.Version is { } v && v != descriptor.Version)
            {
                Error(DiagnosticCodes.ActivityVersion, $"'{stage.Uses}@{v}': this build has version {descriptor.Version} of '{stage.Uses}'", stage.LocationOf("uses"));
            }
            var inputs = descriptor.Inputs.Select(i => i.Name).ToList();
            foreach (var (name, value) in stage.With)
            {
                var port = descriptor.Inputs.FirstOrDefault(i => i.Name == name);
                if (port is null)
                {
                    Error(DiagnosticCodes.UnknownInput, $"activity '{stage.Uses}' has no input '{name}'{Suggest.DidYouMean(name, inputs)} (inputs: {string.Join(", ", inputs)})", stage.LocationOf("with." + name));
                    continue;
                }
                if (value is JsonValue sv && sv.TryGetValue<string>(out var s) && Template.Contains(s))
                {
                    continue; // typed when it runs
                }
                if (InputTypes.Check(port.ClrType, value) is { } problem)
                {
                    Error(DiagnosticCodes.InputType, $"input '{name}' of '{stage.Uses}' {problem}", stage.LocationOf("with." + name));
                }
            }
            foreach (var missing in descriptor.Inputs.Where(i => i.Required && !stage.With.ContainsKey(i.Name)))
            {
                Error(DiagnosticCodes.MissingInput, $"stage '{stage.Id}': activity '{stage.Uses}' needs input '{missing.Name}' ({InputTypes.Describe(missing.ClrType)}{(missing.Description.Length > 0 ? ": " + missing.Description : "")})",
                    stage.Locations.ContainsKey("with") ? stage.LocationOf("with") : stage.LocationOf("uses"));
            }
        }

        private void CheckTemplate(string text, SourceLocation at, ExprContext ctx)
        {
            Template template;
            try
            {
                template = Template.Parse(text);
            }
            catch (ExpressionException e)
            {
                Error(e.IsLimit ? DiagnosticCodes.Limit : DiagnosticCodes.ExpressionSyntax, $"expression: {e.Message}", Offset(at, text, e.Position));
                return;
            }
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var segment in template.Segments.Where(s => s.Expression is not null))
            {
                foreach (var r in References.Find(segment.Expression!))
                {
                    CheckReference(r, Offset(at, text, segment.Offset + r.Position), Offset(at, text, segment.Offset + r.OutputPosition), ctx);
                }
            }
        }

        private void CheckReference(Reference r, SourceLocation at, SourceLocation outputAt, ExprContext ctx)
        {
            switch (r.Context)
            {
                case "params":
                    var names = _paramNames;
                    if (r.Name is not null && !_paramSet.Contains(r.Name))
                    {
                        Error(DiagnosticCodes.UnknownParam, $"unknown parameter 'params.{r.Name}'{Suggest.DidYouMean(r.Name, names)}{(names.Count > 0 ? $" (params: {string.Join(", ", names.Take(50))})" : "; declare it under 'params:'")}", at);
                    }
                    else if (r.Name is not null)
                    {
                        UsedParams.Add(r.Name);
                    }
                    break;
                case "matrix":
                    var keys = MatrixKeys(ctx);
                    if (keys is null)
                    {
                        Error(DiagnosticCodes.UnknownName, $"'matrix.{r.Name}' is used, but stage '{ctx.Stage.Id}' has no matrix", at);
                    }
                    else if (r.Name is not null && !keys.Contains(r.Name))
                    {
                        Error(DiagnosticCodes.UnknownName, $"'matrix.{r.Name}': stage '{ctx.Stage.Id}' has no matrix key '{r.Name}'{Suggest.DidYouMean(r.Name, keys)} (keys: {string.Join(", ", keys)})", at);
                    }
                    break;
                case "loop":
                    if (ctx.Loop is null)
                    {
                        Error(DiagnosticCodes.UnknownName, $"'loop.{r.Name}' is only defined inside a repeat stage", at);
                    }
                    else if (r.Name is not null && !ctx.Loop.ContainsKey(r.Name))
                    {
                        var carried = ctx.Loop.Select(c => c.Key).ToList();
                        Error(DiagnosticCodes.UnknownName, $"'loop.{r.Name}' is not carried by repeat '{ctx.Repeat!.Id}'{Suggest.DidYouMean(r.Name, carried)} (loop: {string.Join(", ", carried)})", at);
                    }
                    break;
                case "run":
                    if (r.Name != "id")
                    {
                        Error(DiagnosticCodes.UnknownName, $"'run.{r.Name}' is not defined (run: id)", at);
                    }
                    break;
                case "stages":
                    CheckStageReference(r, at, outputAt, ctx);
                    break;
                case "function":
                    Error(DiagnosticCodes.UnknownName, $"unknown function '{r.Name}'{Suggest.DidYouMean(r.Name!, Functions.Names)} (functions: {string.Join(", ", Functions.Names)})", at);
                    break;
                default:
                    Error(DiagnosticCodes.UnknownName, $"unknown name '{r.Context}'{Suggest.DidYouMean(r.Context, References.Contexts)} (names: {string.Join(", ", References.Contexts)})", at);
                    break;
            }
        }

        private void CheckStageReference(Reference r, SourceLocation at, SourceLocation outputAt, ExprContext ctx)
        {
            var keys = new List<string>();
            if (r.Name is not null)
            {
                keys.Add(r.Name);
            }
            else
            {
                foreach (var cell in ctx.Cells ?? [new JsonObject()])
                {
                    if (!Dependencies.TryKey(r.Key!, _scope, cell, out var key))
                    {
                        Error(DiagnosticCodes.UnknownName, "the key in 'stages[...]' must be computable from params and matrix values", at);
                        return;
                    }
                    keys.Add(key);
                }
            }
            foreach (var key in keys.Distinct())
            {
                var id = Dependencies.StagePart(key);
                var target = ctx.Visible.FirstOrDefault(s => s.Id == id);
                if (target is null)
                {
                    var inside = workflow.Stages.FirstOrDefault(s => s.Repeat?.Stages.Any(x => x.Id == id) == true);
                    var hint = inside is not null ? $"; it is inside repeat '{inside.Id}', whose outputs are its carried values" : Suggest.DidYouMean(id, ctx.Visible.Select(s => s.Id));
                    Error(DiagnosticCodes.UnknownStage, $"unknown stage '{id}'{hint}", at);
                    continue;
                }
                AddEdge(ctx.Repeat, ctx.Stage, id);
                var outputs = target.Repeat is { } rep
                    ? rep.Carry.Select(c => c.Key).ToList()
                    : catalog.TryGet(target.Uses, out var d) ? d.Outputs.Select(o => o.Name).ToList() : null;
                if (r.Output is not null && outputs is not null && !outputs.Contains(r.Output))
                {
                    Error(DiagnosticCodes.UnknownOutput, $"stage '{id}' ({(target.Repeat is null ? target.Uses : "repeat")}) has no output '{r.Output}'{Suggest.DidYouMean(r.Output, outputs)} (outputs: {string.Join(", ", outputs)})", outputAt);
                }
            }
        }

        /// <summary>The stage's own matrix keys and those of the repeats around it; null when none has a matrix.</summary>
        private List<string>? MatrixKeys(ExprContext ctx)
        {
            var around = new List<StageDefinition> { ctx.Stage };
            for (var r = ctx.Repeat; r is not null; r = _parentOf.GetValueOrDefault(r))
            {
                around.Add(r);
            }
            var matrices = around.Select(s => s.Matrix).OfType<MatrixDefinition>().ToList();
            if (matrices.Count == 0)
            {
                return null;
            }
            return [.. matrices.SelectMany(m => m.Axes.Select(a => a.Key).Concat(m.Include.SelectMany(i => i.Select(kv => kv.Key)))).Distinct()];
        }

        /// <summary>Reports each dependency cycle among <paramref name="stages"/> once, naming the path.</summary>
        public void CheckCycles(IReadOnlyList<StageDefinition> stages, string repeatId)
        {
            string Key(string id) => repeatId.Length == 0 ? id : repeatId + "/" + id;
            var keys = stages.Select(s => Key(s.Id)).ToHashSet(StringComparer.Ordinal);
            var state = new Dictionary<string, int>(StringComparer.Ordinal);
            var path = new List<string>();
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var stage in stages)
            {
                Visit(Key(stage.Id));
            }

            void Visit(string node)
            {
                if (state.GetValueOrDefault(node) == 2)
                {
                    return;
                }
                if (state.GetValueOrDefault(node) == 1)
                {
                    var cycle = path.Skip(path.IndexOf(node)).Append(node).Select(n => n.Split('/')[^1]).ToList();
                    var signature = string.Join(",", cycle.Skip(1).Order());
                    if (reported.Add(signature))
                    {
                        var first = stages.First(s => s.Id == cycle[0]);
                        Error(DiagnosticCodes.Cycle, $"dependency cycle: {string.Join(" -> ", cycle)}", first.Location);
                    }
                    return;
                }
                state[node] = 1;
                path.Add(node);
                foreach (var next in _edges.GetValueOrDefault(node) ?? [])
                {
                    if (keys.Contains(next))
                    {
                        Visit(next);
                    }
                }
                path.RemoveAt(path.Count - 1);
                state[node] = 2;
            }
        }

        private static SourceLocation Offset(SourceLocation at, string text, int offset)
        {
            offset = Math.Clamp(offset, 0, text.Length);
            var before = text.AsSpan(0, offset);
            var newlines = before.Count('\n');
            return newlines == 0
                ? new SourceLocation(at.Line, at.Column + offset)
                : new SourceLocation(at.Line + newlines, offset - before.LastIndexOf('\n'));
        }
    }
}
