using System.Globalization;
using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Tracking;

// Usage: KillHelper STORE_DIR. Prints "run <stage run dir>", then "logged <step>" after each
// StageMetrics call has returned, forever: the test kills it at a moment of its choosing.
var observer = TrackingSetup.CreateObserver(new TrackingOptions { TrackingUri = args[0] });
var run = new RunInfo { RunId = "kill-test", WorkflowName = "kill", Experiment = "durability", Params = new JsonObject { ["seed"] = 1 } };
observer.RunStarted(run);
observer.StageStarted(new StageInfo { RunId = run.RunId, StageId = "train", Activity = "test.loop", ActivityVersion = 1, Inputs = [], Attempt = 1 });
Console.WriteLine("run " + observer.StageRun("train")!.Directory);
for (long step = 0; ; step++)
{
    observer.StageMetrics("train", step, new Dictionary<string, double> { ["train/loss"] = step * 0.5, ["train/reward_mean"] = 1.0 / (step + 1) });
    Console.WriteLine("logged " + step.ToString(CultureInfo.InvariantCulture));
}
