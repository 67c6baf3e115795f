using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Workflows.Analysis;

/// <summary>Which stages a stage (instance) reads from: explicit <c>needs</c> plus every <c>stages.x</c> / <c>stages[expr]</c> reference.</summary>
public static class Dependencies
{
    /// <summary>
    /// Stage ids (or instance ids, for <c>stages['eval[policy=sft]']</c>) that <paramref name="stage"/> depends on
    /// for one matrix cell. <c>stages[expr]</c> keys are evaluated in <paramref name="scope"/> plus <c>matrix</c> = the cell;
    /// keys that cannot be evaluated are skipped (the validator reports them). For a repeat stage: the
    /// references of its count, carry, sub-stages, next and until that are not its own sub-stages.
    /// </summary>
    public static IReadOnlyList<string> Of(StageDefinition stage, JsonObject? cell, JsonObject scope)
    {
        var result = new List<string>(stage.Needs);
        var matrix = cell ?? [];
        if (stage.Repeat is { } repeat)
        {
            var own = repeat.Stages.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var texts = new List<string>();
            texts.AddRange(Template.Strings(repeat.Count).Select(s => s.Text));
            texts.AddRange(Template.Strings(repeat.Carry).Select(s => s.Text));
            texts.AddRange(Template.Strings(repeat.Next).Select(s => s.Text));
            if (repeat.Until is { } until)
            {
                texts.Add(until);
            }
            foreach (var sub in repeat.Stages)
            {
                if (sub.Repeat is not null)
                {
                    // A nested repeat: what it reads from outside itself (its own sub-stages already removed).
                    result.AddRange(Of(sub, cell, scope));
                    continue;
                }
                texts.AddRange(Template.Strings(sub.With).Select(s => s.Text));
                texts.AddRange(Template.Strings(sub.If).Select(s => s.Text));
                result.AddRange(sub.Needs);
            }
            result.AddRange(Keys(texts, scope, matrix));
            result.RemoveAll(own.Contains);
        }
        else
        {
            result.AddRange(Keys(Template.Strings(stage.With).Concat(Template.Strings(stage.If)).Select(s => s.Text), scope, matrix));
        }
        return [.. result.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Stage keys referenced by template strings, evaluated where dynamic (in <paramref name="scope"/> with <c>matrix</c> = <paramref name="cell"/>).</summary>
    public static IEnumerable<string> Keys(IEnumerable<string> templates, JsonObject scope, JsonObject cell)
    {
        foreach (var text in templates)
        {
            Template template;
            try
            {
                template = Template.Parse(text);
            }
            catch (ExpressionException)
            {
                continue;
            }
            foreach (var expr in template.Segments.Select(s => s.Expression).OfType<Expr>())
            {
                foreach (var r in References.Find(expr).Where(r => r.Context == "stages"))
                {
                    if (r.Name is not null)
                    {
                        yield return r.Name;
                    }
                    else if (TryKey(r.Key!, scope, cell, out var key))
                    {
                        yield return key;
                    }
                }
            }
        }
    }

    /// <summary>Evaluates a <c>stages[expr]</c> key in <paramref name="scope"/> with <c>matrix</c> = <paramref name="cell"/>; false when it cannot be evaluated from params and matrix alone.</summary>
    public static bool TryKey(Expr key, JsonObject scope, JsonObject cell, out string value)
    {
        try
        {
            value = ExpressionEvaluator.Stringify(ExpressionEvaluator.Evaluate(key, scope, "matrix", cell));
            return true;
        }
        catch (ExpressionException)
        {
            value = "";
            return false;
        }
    }

    /// <summary>The stage id part of a key (<c>eval[policy=sft]</c> gives <c>eval</c>).</summary>
    public static string StagePart(string key)
    {
        var bracket = key.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? key : key[..bracket];
    }
}
