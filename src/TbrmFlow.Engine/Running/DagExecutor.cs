using TbrmFlow.Engine.Planning;
using TbrmFlow.Workflows.Expressions;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// Runs a planned DAG: every instance starts as soon as its dependencies succeeded (slots limit how
/// many activities run at once); dependents of a failed, cancelled or skipped instance are skipped
/// while the other branches finish.
/// </summary>
internal static class DagExecutor
{
    public static async Task<Dictionary<string, StageResult>> RunAsync(RunState run, IReadOnlyList<StageInstance> plan, ExecutionScope scope)
    {
        var finished = new Dictionary<string, StageResult>(StringComparer.Ordinal);
        var waiting = plan.ToDictionary(i => i.Id, i => i.DependsOn.Count, StringComparer.Ordinal);
        var dependents = plan.SelectMany(i => i.DependsOn.Select(d => (d, i))).ToLookup(x => x.d, x => x.i, StringComparer.Ordinal);
        foreach (var instance in plan)
        {
            scope.Table.Declare(instance.Stage.Id, instance.Id);
        }
        var ready = new Queue<StageInstance>(plan.Where(i => i.DependsOn.Count == 0));
        // Finished instances arrive on a channel: a WhenAny over every running task would cost O(n) per completion.
        var completions = System.Threading.Channels.Channel.CreateUnbounded<(StageInstance, StageResult)>();
        var running = 0;
        while (ready.Count > 0 || running > 0)
        {
            while (ready.Count > 0)
            {
                var instance = ready.Dequeue();
                var decision = RunProgress.Next(instance.DependsOn.Select(d => (d, finished[d].Status)), run.Cancellation.IsCancellationRequested, scope.Prefix);
                if (decision.Status != StageStatus.Ready)
                {
                    var result = StageResults.NotRun(decision.Status, decision.Reason!);
                    var fullId = scope.Prefix + instance.Id;
                    if (!(run.Previous.TryGetValue(fullId, out var earlier) && Lifecycle.HasOutputs(earlier.Status)))
                    {
                        StageRecords.SaveNotRun(run, instance, fullId, scope.Iteration, result);
                    }
                    run.Observer.StageStateChanged(fullId, result.Status, result.Error);
                    run.Record(fullId, result);
                    Complete(instance, result);
                    continue;
                }
                running++;
                _ = ExecuteAsync(run, instance, scope).ContinueWith(
                    (t, state) => completions.Writer.TryWrite(((StageInstance)state!, t.Result)), instance, TaskScheduler.Default);
            }
            if (running == 0)
            {
                break;
            }
            var (done, outcome) = await completions.Reader.ReadAsync();
            running--;
            Complete(done, outcome);
        }
        return finished;

        void Complete(StageInstance instance, StageResult result)
        {
            finished[instance.Id] = result;
            if (Lifecycle.HasOutputs(result.Status))
            {
                scope.Table.Set(instance.Id, result.Outputs);
            }
            foreach (var dependent in dependents[instance.Id])
            {
                if (--waiting[dependent.Id] == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }
    }

    internal static async Task<StageResult> ExecuteAsync(RunState run, StageInstance instance, ExecutionScope scope)
    {
        await Task.Yield();
        var fullId = scope.Prefix + instance.Id;
        StageResult result;
        try
        {
            if (run.Previous.TryGetValue(fullId, out var previous) && Lifecycle.HasOutputs(previous.Status))
            {
                result = StageResults.FromRecord(previous);
            }
            else
            {
                var exprScope = scope.For(run, instance);
                if (instance.Stage.If is { } condition && !ExpressionEvaluator.IsTruthy(Template.Resolve(condition, exprScope)))
                {
                    result = StageResults.NotRun(StageStatus.Skipped, "condition 'if' is false");
                    StageRecords.SaveNotRun(run, instance, fullId, scope.Iteration, result);
                }
                else
                {
                    result = instance.Stage.Repeat is null
                        ? await ActivityExecutor.RunAsync(run, instance, fullId, exprScope, scope.Iteration)
                        : await RepeatExecutor.RunAsync(run, instance, fullId, exprScope, scope);
                }
            }
        }
        catch (ExpressionException e)
        {
            result = StageResults.NotRun(StageStatus.Failed, $"expression: {e.Message}");
            StageRecords.SaveNotRun(run, instance, fullId, scope.Iteration, result);
        }
        catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested)
        {
            result = StageResults.NotRun(StageStatus.Cancelled, "cancelled");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The engine's own failure (store, planning inside a repeat): fail this stage, keep the run going
            // (unless it is a full disk or read-only store: that stops the run).
            run.Faults?.Report(e);
            result = StageResults.NotRun(StageStatus.Failed, $"engine error: {e.GetType().Name}: {e.Message}");
        }
        run.Observer.StageStateChanged(fullId, result.Status, result.Error);
        run.Record(fullId, result);
        return result;
    }

}
