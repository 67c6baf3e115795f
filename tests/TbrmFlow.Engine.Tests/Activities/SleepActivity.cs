using System.Globalization;
using Mediator;
using TbrmFlow.Abstractions;

namespace TbrmFlow.Engine.Tests.Activities;

/// <summary>
/// Test-only: works in steps of <see cref="StepMs"/>, checkpointing the step number in its state
/// directory after each one, and resumes from the checkpoint (for cancellation and kill/resume tests).
/// </summary>
[Activity("test.sleep", Category = "test", Description = "Sleeps in checkpointed steps.", Deterministic = false)]
public sealed record SleepRequest : IActivity<SleepResult>
{
    /// <summary>Number of steps.</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Milliseconds per step.</summary>
    public int StepMs { get; init; } = 10;

    /// <summary>Concurrency probe group (see <see cref="ConcurrencyProbe"/>); empty = none.</summary>
    public string Group { get; init; } = "";
}

/// <summary>Outputs.</summary>
public sealed record SleepResult
{
    /// <summary>The step it started from (0 on a fresh start).</summary>
    public int ResumedFrom { get; init; }

    /// <summary>Steps done in total.</summary>
    public int Steps { get; init; }
}

public sealed class SleepHandler(IActivityContextAccessor context) : IRequestHandler<SleepRequest, SleepResult>
{
    public async ValueTask<SleepResult> Handle(SleepRequest request, CancellationToken cancellationToken)
    {
        var ctx = context.Current;
        using var probe = ConcurrencyProbe.Enter(request.Group.Length > 0 ? request.Group : Guid.NewGuid().ToString());
        var checkpoint = Path.Combine(ctx.StateDirectory, "checkpoint.txt");
        var start = File.Exists(checkpoint) ? int.Parse(await File.ReadAllTextAsync(checkpoint, cancellationToken), CultureInfo.InvariantCulture) : 0;
        for (var step = start; step < request.Steps; step++)
        {
            await Task.Delay(request.StepMs, cancellationToken);
            var tmp = checkpoint + ".tmp";
            await File.WriteAllTextAsync(tmp, (step + 1).ToString(CultureInfo.InvariantCulture), cancellationToken);
            File.Move(tmp, checkpoint, overwrite: true);
            ctx.ReportProgress(step + 1, request.Steps);
        }
        return new SleepResult { ResumedFrom = start, Steps = request.Steps };
    }
}
