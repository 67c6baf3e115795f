using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Engine.Store;
using TbrmFlow.Workflows.Expressions;

namespace TbrmFlow.Engine.Running;

/// <summary>Runs one activity instance: resolve inputs, consult the cache, then attempts with retry, backoff and timeout.</summary>
internal static class ActivityExecutor
{
    public static async Task<StageResult> RunAsync(RunState run, StageInstance instance, string fullId, JsonObject scope, int? iteration)
    {
        var stage = instance.Stage;
        if (!run.Catalog.TryGet(stage.Uses, out var descriptor))
        {
            var failed = StageResults.NotRun(StageStatus.Failed, $"unknown activity '{stage.Uses}'");
            StageRecords.SaveNotRun(run, instance, fullId, iteration, failed);
            return failed;
        }
        var record = StageRecords.Start(run, instance, fullId, iteration, descriptor.Type, descriptor.Version);
        run.Observer.StageStateChanged(fullId, StageStatus.Running);
        JsonObject inputs;
        object request;
        try
        {
            inputs = Template.Resolve(stage.With, scope) as JsonObject ?? [];
            request = inputs.Deserialize(descriptor.RequestType, ActivityJson.Options)
                ?? throw new JsonException("the inputs bound to nothing");
        }
        catch (Exception e) when (e is ExpressionException or JsonException or NotSupportedException or InvalidOperationException)
        {
            var message = e is ExpressionException ? $"expression: {e.Message}" : $"bad inputs for '{descriptor.Type}': {e.Message} (inputs: {string.Join(", ", descriptor.Inputs.Select(i => i.Name))})";
            var failed = StageResults.NotRun(StageStatus.Failed, message);
            StageRecords.Finish(run, record, failed with { Attempts = record.Attempts });
            return failed;
        }
        if (InputPaths.Refusal(request, run.Options) is { } refused)
        {
            var failed = StageResults.NotRun(StageStatus.Failed, refused);
            StageRecords.Finish(run, record, failed with { Attempts = record.Attempts });
            return failed;
        }
        record.InputsJson = inputs.ToJsonString();

        var useCache = !run.Options.NoCache && (stage.Cache ?? descriptor.Deterministic);
        if (useCache)
        {
            record.CacheKey = await CacheKeys.ComputeAsync(descriptor, inputs, run.Cancellation);
            if (run.Store.FindCached(record.CacheKey) is { } hit && hit.OutputsJson is not null && CacheKeys.ArtifactsExist(JsonNode.Parse(hit.OutputsJson)))
            {
                record.CachedFrom = $"{hit.RunId}/{hit.InstanceId}";
                var cached = StageResults.FromRecord(hit) with { Status = StageStatus.Cached, Attempts = 0, DurationS = 0, Error = null };
                StageRecords.Finish(run, record, cached);
                return cached;
            }
        }

        var stateDirectory = run.StateDirectory(fullId);
        Directory.CreateDirectory(stateDirectory);
        StageResult? last = null;
        var first = run.Attempts.NextInBudget(record);
        if (first > stage.Retry.Attempts)
        {
            last = StageResults.NotRun(StageStatus.Failed, $"all {stage.Retry.Attempts} attempt(s) used up") with { Attempts = record.Attempts };
        }
        for (var n = first; n <= stage.Retry.Attempts; n++)
        {
            if (n > first)
            {
                var delay = stage.Retry.DelayBefore(n);
                run.Observer.StageLog(fullId, $"attempt {record.Attempts} failed ({last!.Error}); retrying in {delay.TotalSeconds:0.###}s");
                try
                {
                    await Task.Delay(delay, run.Cancellation);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            last = await AttemptAsync(run, instance, fullId, descriptor, request, inputs, record, stateDirectory);
            if (last.Status is StageStatus.Succeeded or StageStatus.Cancelled)
            {
                break;
            }
        }
        if (run.Faults?.Fault is { } fault && last?.Status != StageStatus.Succeeded)
        {
            // This stage's write failed, or another's did and stopped the run: it failed (the user cancelled nothing).
            last = (last ?? StageResults.NotRun(StageStatus.Failed, fault.Message)) with { Status = StageStatus.Failed, Error = fault.Message };
        }
        else if (run.Cancellation.IsCancellationRequested && last?.Status != StageStatus.Succeeded)
        {
            last = (last ?? StageResults.NotRun(StageStatus.Cancelled, "cancelled")) with { Status = StageStatus.Cancelled, Error = "cancelled" };
        }
        StageRecords.Finish(run, record, last!);
        return last!;
    }

    private static async Task<StageResult> AttemptAsync(
        RunState run, StageInstance instance, string fullId, Abstractions.Descriptors.ActivityDescriptor descriptor,
        object request, JsonObject inputs, StageRecord record, string stateDirectory)
    {
        var gpu = instance.Stage.Resources.Gpu > 0;
        try
        {
            await run.Slots.WaitAsync(run.Cancellation);
        }
        catch (OperationCanceledException)
        {
            return StageResults.NotRun(StageStatus.Cancelled, "cancelled") with { Attempts = record.Attempts };
        }
        if (gpu)
        {
            try
            {
                await run.GpuSlots.WaitAsync(run.Cancellation);
            }
            catch (OperationCanceledException)
            {
                run.Slots.Release();
                return StageResults.NotRun(StageStatus.Cancelled, "cancelled") with { Attempts = record.Attempts };
            }
        }
        record.Attempts++;
        var attempt = new AttemptRecord { RunId = run.RunId, InstanceId = fullId, Number = record.Attempts, Status = StageStatus.Running, StartedAt = DateTime.UtcNow };
        run.Attempts.Stamp(attempt);
        run.Store.SaveAttempt(attempt);
        run.Store.SaveStage(record);
        var context = new StageContext(run.RunId, fullId, record.Attempts, stateDirectory, run.Artifacts, run.Observer) { Devices = gpu ? run.Devices : [] };
        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(run.Cancellation);
        if (instance.Stage.Timeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }
        StageResult result;
        try
        {
            run.Observer.StageStarted(new StageInfo
            {
                RunId = run.RunId,
                StageId = fullId,
                Activity = descriptor.Type,
                ActivityVersion = descriptor.Version,
                Inputs = (JsonObject)inputs.DeepClone(),
                Attempt = record.Attempts,
            });
            object? response;
            using (ActivityContextAccessor.Enter(context))
            {
                response = await run.Sender.Send(request, timeout.Token);
            }
            var outputs = JsonSerializer.SerializeToNode(response, descriptor.ResultType, ActivityJson.Options) as JsonObject ?? [];
            result = Result(StageStatus.Succeeded, null);
            result = result with { Outputs = outputs };
        }
        catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested)
        {
            result = Result(StageStatus.Cancelled, "cancelled");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = Result(StageStatus.Failed, $"timed out after {instance.Stage.Timeout!.Value.TotalSeconds:0.###}s");
        }
        catch (Exception e)
        {
            run.Faults?.Report(e); // a full disk or read-only store stops the whole run, not just this stage
            // A JSON reader error quotes the characters it stopped at: keep its position only (never file contents in a message).
            result = Result(StageStatus.Failed, $"{e.GetType().Name}: {(e is JsonException json ? JsonLines.Describe(json) : e.Message)}");
        }
        finally
        {
            if (gpu)
            {
                run.GpuSlots.Release();
            }
            run.Slots.Release();
        }
        attempt.Status = Lifecycle.Move(attempt.Status, result.Status);
        attempt.Error = result.Error;
        attempt.FinishedAt = DateTime.UtcNow;
        run.Store.SaveAttempt(attempt);
        return result;

        StageResult Result(StageStatus status, string? error) => new()
        {
            Status = status,
            Attempts = record.Attempts,
            DurationS = clock.Elapsed.TotalSeconds,
            Outputs = [],
            Metrics = new Dictionary<string, double>(context.LastMetrics),
            Error = error,
        };
    }
}
