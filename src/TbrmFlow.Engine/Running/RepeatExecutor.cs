using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Workflows.Analysis;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// Runs a repeat stage: per iteration, plans and runs the sub-stages with <c>loop</c> = carry + index,
/// then updates the carry from <c>next</c> and checks <c>until</c>. Sub-stage instances are recorded
/// as <c>&lt;repeat&gt;[iter=N].&lt;sub-stage&gt;</c>; a resumed run reuses the iterations that finished.
/// </summary>
internal static class RepeatExecutor
{
    public static async Task<StageResult> RunAsync(RunState run, StageInstance instance, string fullId, JsonObject scope, ExecutionScope outer)
    {
        var repeat = instance.Stage.Repeat!;
        var record = StageRecords.Start(run, instance, fullId, outer.Iteration, "repeat", 0);
        run.Observer.StageStateChanged(fullId, StageStatus.Running);
        var clock = Stopwatch.StartNew();
        var iterations = repeat.Count is null ? repeat.Max ?? 1 : Count(Template.Resolve(repeat.Count, scope));
        var carry = Template.Resolve(repeat.Carry, scope) as JsonObject ?? [];
        var cell = MatrixExpander.Merge(outer.Matrix, instance.Cell);
        var planScope = run.BaseScope();
        planScope["matrix"] = cell.DeepClone();
        var plan = RunPlanner.Plan(repeat.Stages, planScope);
        var done = 0;
        StageResult? result = null;
        while (result is null && done < iterations)
        {
            var loop = (JsonObject)carry.DeepClone();
            loop["index"] = done;
            var prefix = $"{fullId}[iter={done}].";
            var inner = new ExecutionScope(new OutputTable(outer.Table), prefix, loop, done, cell);
            var results = await DagExecutor.RunAsync(run, plan, inner);
            if (results.FirstOrDefault(r => r.Value.Status is StageStatus.Failed or StageStatus.Cancelled) is { Key: not null } bad)
            {
                var status = bad.Value.Status == StageStatus.Cancelled || run.Cancellation.IsCancellationRequested ? StageStatus.Cancelled : StageStatus.Failed;
                result = Finish(status, $"iteration {done}: stage '{prefix}{bad.Key}' {bad.Value.Status.ToString().ToLowerInvariant()}");
                break;
            }
            var stagesScope = inner.Table.Scope(repeat.Stages.Select(s => s.Id));
            var nextScope = run.BaseScope();
            nextScope["loop"] = loop.DeepClone();
            nextScope["stages"] = stagesScope;
            nextScope["matrix"] = cell.DeepClone();
            foreach (var (name, value) in repeat.Next)
            {
                carry[name] = Template.Resolve(value, nextScope);
            }
            done++;
            if (repeat.Until is { } until)
            {
                var untilScope = run.BaseScope();
                var newLoop = (JsonObject)carry.DeepClone();
                newLoop["index"] = done - 1;
                untilScope["loop"] = newLoop;
                untilScope["stages"] = stagesScope.DeepClone();
                untilScope["matrix"] = cell.DeepClone();
                if (ExpressionEvaluator.IsTruthy(Template.Resolve(JsonValue.Create(until), untilScope)))
                {
                    break;
                }
            }
            run.Observer.StageProgress(fullId, done, iterations, $"iteration {done}/{iterations}");
        }
        result ??= Finish(StageStatus.Succeeded, null);
        StageRecords.Finish(run, record, result);
        return result;

        StageResult Finish(StageStatus status, string? error) => new()
        {
            Status = status,
            Attempts = 1,
            DurationS = clock.Elapsed.TotalSeconds,
            Outputs = status == StageStatus.Succeeded ? (JsonObject)carry.DeepClone() : [],
            Metrics = new Dictionary<string, double> { ["repeat/iterations"] = done },
            Error = error,
        };
    }

    /// <summary>The iteration count a <c>repeat</c> value gives: 0 to <see cref="WorkflowLimits.MaxRepeatCount"/>; more is an error, never a wrapped number.</summary>
    private static int Count(JsonNode? value)
    {
        long? n = value switch
        {
            JsonValue v when v.TryGetValue<long>(out var l) => l,
            JsonValue v when v.TryGetValue<int>(out var i) => i,
            JsonValue v when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && double.IsFinite(d) => d > long.MaxValue ? long.MaxValue : (long)d,
            JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) => p,
            _ => null,
        };
        return n switch
        {
            null or < 0 => throw new ExpressionException($"'repeat' must evaluate to a count >= 0, got {Describe(value)}"),
            > WorkflowLimits.MaxRepeatCount => throw ExpressionException.Limit(
                $"'repeat' evaluated to {n}, more iterations than a run may have {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxRepeatCount), WorkflowLimits.MaxRepeatCount)}", 0),
            _ => (int)n,
        };
    }

    private static string Describe(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return text.Length <= 80 ? text : text[..80] + "…";
    }
}
