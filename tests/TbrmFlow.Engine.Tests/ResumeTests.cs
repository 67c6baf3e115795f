using System.Diagnostics;
using TbrmFlow.Engine.Running;
using TbrmFlow.Engine.Store;

namespace TbrmFlow.Engine.Tests;

public sealed class ResumeTests
{
    [Fact]
    public async Task Resume_AfterFailure_KeepsSucceededStages_AndRetriesTheRest()
    {
        using var home = new TestHome();
        var counter = home.File("count.txt");
        var failed = await home.RunAsync($$$"""
            name: resume
            stages:
              first: { uses: test.add, with: { a: 1, counter_file: "{{{counter}}}" }, cache: false }
              flaky: { uses: test.fail, with: { times: 1 }, needs: first }
              last: { uses: test.echo, with: { value: "${{ stages.flaky.outputs.attempt }}" } }
            """);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(StageStatus.Skipped, failed.Stages["last"].Status);

        var resumed = await home.Runner.ResumeAsync(failed.RunId, new RecordingObserver(), CancellationToken.None);
        Assert.Equal(failed.RunId, resumed.RunId);
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Single(File.ReadAllLines(counter));
        Assert.Equal(2, resumed.Stages["flaky"].Outputs["attempt"]!.GetValue<int>());
        Assert.Equal(2, resumed.Stages["last"].Outputs["value"]!.GetValue<double>());
        using var store = home.OpenStore();
        Assert.Equal(RunStatus.Succeeded, store.GetRun(failed.RunId)!.Status);
        Assert.Equal(2, store.GetAttempts(failed.RunId).Count(a => a.InstanceId == "flaky"));
    }

    [Fact]
    public async Task Resume_AfterTheProcessIsKilledMidStage_ContinuesFromTheCheckpoint()
    {
        using var home = new TestHome();
        var counter = home.File("count.txt");
        var file = home.File("kill.yaml");
        await File.WriteAllTextAsync(file, $$$"""
            name: kill
            stages:
              first: { uses: test.add, with: { a: 1, counter_file: "{{{counter}}}" }, cache: false }
              slow: { uses: test.sleep, with: { steps: 40, step_ms: 100 }, needs: first }
              last: { uses: test.echo, with: { value: "${{ stages.slow.outputs.resumed_from }}" } }
            """);
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "run", home.Directory, file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string runId;
        string killedAt;
        string checkpoint;
        using (var child = Process.Start(start)!)
        {
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(line);
            runId = line!["run-id: ".Length..];
            checkpoint = Path.Combine(home.Directory, "runs", runId, "stages", "slow", "checkpoint.txt");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(File.Exists(checkpoint) && int.TryParse(await ReadShared(checkpoint), out var step) && step >= 3))
            {
                Assert.True(DateTime.UtcNow < deadline, "the child never reached step 3");
                if (child.HasExited)
                {
                    Assert.Fail("the child exited early: " + await child.StandardError.ReadToEndAsync());
                }
                await Task.Delay(50);
            }
            Assert.False(child.HasExited, "the child finished before it could be killed");
            child.Kill(entireProcessTree: true); // SIGKILL: no cleanup runs in the child
            await child.WaitForExitAsync();
            killedAt = await ReadShared(checkpoint);
        }

        using (var store = home.OpenStore())
        {
            // Its owner is gone: the run, its unfinished stage and that stage's open attempt read as interrupted,
            // and the JSON of `show --json` (StoredRuns) says the same, never "failed" or "running".
            var run = store.GetRun(runId)!;
            Assert.True(run.Status == RunStatus.Interrupted, $"killed at step {killedAt}, run status {run.Status}");
            Assert.Equal(StageStatus.Interrupted, store.GetStages(runId).Single(s => s.InstanceId == "slow").Status);
            Assert.Equal(StageStatus.Succeeded, store.GetStages(runId).Single(s => s.InstanceId == "first").Status);
            Assert.Equal(StageStatus.Interrupted, store.GetAttempts(runId).Single(a => a.InstanceId == "slow").Status);
            Assert.Equal(RunStatus.Interrupted, StoredRuns.ToResult(run, store.GetStages(runId)).Status);
            Assert.Equal([RunStatus.Interrupted], store.ListRuns(10).Where(r => r.Id == runId).Select(r => r.Status));
        }
        var resumed = await home.Runner.ResumeAsync(runId, new RecordingObserver(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        var resumedFrom = resumed.Stages["slow"].Outputs["resumed_from"]!.GetValue<int>();
        Assert.InRange(resumedFrom, 3, 39);
        Assert.Equal(resumedFrom, resumed.Stages["last"].Outputs["value"]!.GetValue<double>());
        Assert.Equal(2, resumed.Stages["slow"].Attempts);
        Assert.Single(File.ReadAllLines(counter));
    }

    private static async Task<string> ReadShared(string path)
    {
        try
        {
            return await File.ReadAllTextAsync(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
