using System.Globalization;
using System.Text.Json;
using Mediator;
using TbrmFlow.Abstractions;

namespace TbrmFlow.Cluster.Probe;

/// <summary>
/// A cluster drill: counts <see cref="Steps"/> steps, pausing <see cref="StepMs"/> ms per step and
/// checkpointing after each one in the stage's state directory, so a stage whose worker is killed
/// resumes where it stopped on another worker. Logs the metric <c>probe/total</c> per step and
/// <c>eval/probe/total</c> at the end (so a cluster's MLflow tracking can be checked). Checks a deployment (workflows/cluster-probe.yaml) and
/// drives the fault tests; <c>probe.log</c> in the state directory lists every start with its step.
/// </summary>
[Activity("cluster.probe", Version = 1, Category = "cluster", Deterministic = false,
    Description = "Counts steps with a pause and a checkpoint per step (resumable): a drill for cluster workers.")]
public sealed record ProbeRequest : IActivity<ProbeResult>
{
    /// <summary>Steps to count.</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Pause per step, in milliseconds.</summary>
    public int StepMs { get; init; } = 100;

    /// <summary>Added to every step's index; the result is the sum of <c>seed + i</c> over the steps.</summary>
    public double Seed { get; init; }
}

/// <summary>Probe outputs.</summary>
public sealed record ProbeResult
{
    /// <summary>Steps counted.</summary>
    public int Steps { get; init; }

    /// <summary>Sum of <c>seed + i</c> for i in [0, steps).</summary>
    public double Total { get; init; }
}

/// <summary>Runs the probe.</summary>
/// <param name="context">The stage context (state directory).</param>
public sealed class ProbeHandler(IActivityContextAccessor context) : IRequestHandler<ProbeRequest, ProbeResult>
{
    /// <inheritdoc />
    public async ValueTask<ProbeResult> Handle(ProbeRequest request, CancellationToken cancellationToken)
    {
        if (request.Steps < 0 || request.StepMs < 0)
        {
            throw new ArgumentException($"steps and step_ms must be >= 0, got steps={request.Steps}, step_ms={request.StepMs}");
        }
        var ctx = context.Current;
        var checkpoint = Path.Combine(ctx.StateDirectory, "probe.json");
        var state = File.Exists(checkpoint) ? JsonSerializer.Deserialize<ProbeState>(await File.ReadAllTextAsync(checkpoint, cancellationToken)) ?? new() : new ProbeState();
        await File.AppendAllTextAsync(Path.Combine(ctx.StateDirectory, "probe.log"),
            string.Create(CultureInfo.InvariantCulture, $"attempt {ctx.Attempt} starts at step {state.Step} pid {Environment.ProcessId}\n"), cancellationToken);
        ctx.Log($"starting at step {state.Step} of {request.Steps}");
        while (state.Step < request.Steps)
        {
            await Task.Delay(request.StepMs, cancellationToken);
            state = new ProbeState { Step = state.Step + 1, Total = state.Total + request.Seed + state.Step };
            var temp = checkpoint + ".tmp";
            await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(state), cancellationToken);
            File.Move(temp, checkpoint, overwrite: true);
            ctx.ReportProgress(state.Step, request.Steps);
            ctx.LogMetrics(state.Step, new Dictionary<string, double> { ["probe/total"] = state.Total });
        }
        // An eval/ metric is mirrored on the parent MLflow run: checks that a cluster's tracking gets there.
        ctx.LogMetrics(state.Step, new Dictionary<string, double> { ["eval/probe/total"] = state.Total });
        return new ProbeResult { Steps = state.Step, Total = state.Total };
    }

    private sealed record ProbeState
    {
        public int Step { get; init; }

        public double Total { get; init; }
    }
}
