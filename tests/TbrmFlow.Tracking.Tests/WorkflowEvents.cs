using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Tracking.Tests;

/// <summary>Plays the observer events of a small two-algorithm workflow run, as the engine sends them.</summary>
public static class WorkflowEvents
{
    public static RunInfo Run(string workflowFile) => new()
    {
        RunId = "20261126-120000-abc123",
        WorkflowName = "compare-algos",
        Experiment = "arithmetic",
        Description = "TBRM against GRPO",
        SourceFile = workflowFile,
        Params = new JsonObject { ["seed"] = 3, ["beta"] = 0.05, ["model"] = new JsonObject { ["layers"] = 2, ["d_model"] = 64 } },
    };

    /// <summary>data -> tbrm (3 steps, one NaN) -> evaluate[policy=tbrm] with an EvalReport.</summary>
    public static void Play(IRunObserver observer, string workflowFile, string evalReportDir)
    {
        var run = Run(workflowFile);
        observer.RunStarted(run);
        observer.StageStarted(Stage(run, "data", "data.arithmetic", new JsonObject { ["digits"] = 3, ["seed"] = 3 }));
        observer.StageFinished("data", Result(StageStatus.Succeeded, []));
        observer.StageStarted(Stage(run, "tbrm", "rl.tbrm", new JsonObject
        {
            ["prompts"] = new JsonObject { ["kind"] = "PromptSet", ["path"] = "/tmp/p", ["hash"] = "sha256:abc" },
            ["beta"] = 0.05,
            ["optimizer"] = new JsonObject { ["lr"] = 0.0003, ["betas"] = new JsonArray(0.9, 0.95) },
            ["device"] = "cpu",
        }));
        for (var step = 1; step <= 3; step++)
        {
            observer.StageMetrics("tbrm", step, new Dictionary<string, double>
            {
                ["train/reward_mean"] = 0.1 * step,
                ["train/loss"] = step == 2 ? double.NaN : 1.0 / step,
            });
        }
        observer.StageFinished("tbrm", Result(StageStatus.Succeeded, []));
        observer.StageStarted(Stage(run, "evaluate[policy=tbrm]", "eval.math", new JsonObject { ["k"] = 4 }));
        observer.StageMetrics("evaluate[policy=tbrm]", 0, new Dictionary<string, double> { ["eval/test/avg@1"] = 0.59 });
        observer.StageFinished("evaluate[policy=tbrm]", Result(StageStatus.Succeeded, new JsonObject
        {
            ["report"] = new JsonObject { ["kind"] = "EvalReport", ["path"] = evalReportDir, ["hash"] = "sha256:def" },
        }));
        observer.RunFinished(run, new RunResult { RunId = run.RunId, Status = RunStatus.Succeeded, Stages = new Dictionary<string, StageResult>() });
    }

    public static StageInfo Stage(RunInfo run, string id, string activity, JsonObject inputs) =>
        new() { RunId = run.RunId, StageId = id, Activity = activity, ActivityVersion = 1, Inputs = inputs, Attempt = 1 };

    public static StageResult Result(StageStatus status, JsonObject outputs) =>
        new() { Status = status, Attempts = 1, DurationS = 0.1, Outputs = outputs, Metrics = new Dictionary<string, double>() };
}
