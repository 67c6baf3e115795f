using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Tests;

/// <summary>The engine's commands, run as the real program: validate, schema, activities, runs, show.</summary>
public sealed class EngineCliTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("tbrmflow-engine-cli-").FullName;

    [Fact]
    public async Task Validate_PrintsEveryErrorWithPositions_AndExitsTwo()
    {
        var file = Path.Combine(_work, "bad.yaml");
        await File.WriteAllTextAsync(file, """
            name: bad
            stages:
              data: { uses: data.arithmetc }
              fit: { uses: demo.fit_sum, with: { problems: "${{ stages.dta.outputs.train }}", stepz: 3 } }
            """);
        var (code, stdout, stderr) = await TbrmflowProcess.RunAsync(_work, "validate", file);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout);
        var lines = stderr.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{file}:3:17: error TF0010: unknown activity 'data.arithmetc'; did you mean 'data.arithmetic'?", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{file}:4:60: error TF0020: unknown stage 'dta'", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{file}:4:90: error TF0013: activity 'demo.fit_sum' has no input 'stepz'; did you mean 'steps'?", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AcceptsHello()
    {
        var (code, stdout, _) = await TbrmflowProcess.RunAsync(_work, "validate", Path.Combine(TbrmflowProcess.RepositoryRoot, "workflows", "hello.yaml"));
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("ok (2 stages, 2 instances)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_HasOneBranchPerActivity_WithInputDescriptions()
    {
        var (code, stdout, _) = await TbrmflowProcess.RunAsync(_work, "schema");
        Assert.Equal(ExitCodes.Ok, code);
        var schema = JsonNode.Parse(stdout)!;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
        var (_, activitiesJson, _) = await TbrmflowProcess.RunAsync(_work, "activities", "--json");
        var activities = JsonNode.Parse(activitiesJson)!.AsArray();
        var branches = schema["$defs"]!["stage"]!["allOf"]!.AsArray();
        Assert.Equal(activities.Count, branches.Count);
        var arithmetic = activities.First(a => (string?)a!["type"] == "data.arithmetic")!;
        var digits = arithmetic["inputs"]!.AsArray().First(i => (string?)i!["name"] == "digits")!;
        Assert.Equal("int", (string?)digits["type"]);
        var branch = branches.First(b => ((string?)b!["if"]!["properties"]!["uses"]!["pattern"])!.Contains("arithmetic", StringComparison.Ordinal))!;
        var digitsSchema = branch["then"]!["properties"]!["with"]!["properties"]!["digits"]!;
        Assert.StartsWith((string)digits["description"]!, (string?)digitsSchema["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunThenRunsAndShow_ReadTheSameStore()
    {
        var hello = Path.Combine(TbrmflowProcess.RepositoryRoot, "workflows", "hello.yaml");
        var (code, stdout, stderr) = await TbrmflowProcess.RunAsync(_work, "run", hello, "--json", "--store", Path.Combine(_work, "store.db"));
        Assert.True(code == ExitCodes.Ok, stderr);
        var runId = (string)JsonNode.Parse(stdout)!["run_id"]!;
        // The stage's log file (what the web UI shows) holds exactly the lines the CLI printed for the stage.
        var printed = stderr.Split('\n').Where(l => l.StartsWith("fit ", StringComparison.Ordinal)).Select(l => l[4..].TrimEnd()).ToList();
        var logged = StageLogFile.Read(Path.Combine(_work, ".tbrmflow", "logs"), runId, "fit").Select(l => l.Text).ToList();
        Assert.Equal(printed, logged);
        Assert.Equal(["running", "succeeded"], [logged[0], logged[^1]]);
        Assert.Contains("1000/1000 (100%) train/loss", string.Join('\n', logged), StringComparison.Ordinal);
        var (listCode, list, _) = await TbrmflowProcess.RunAsync(_work, "runs", "--json", "--store", Path.Combine(_work, "store.db"));
        Assert.Equal(ExitCodes.Ok, listCode);
        Assert.Equal(runId, (string?)JsonNode.Parse(list)![0]!["run_id"]);
        var (showCode, show, _) = await TbrmflowProcess.RunAsync(_work, "show", runId, "--json", "--store", Path.Combine(_work, "store.db"));
        Assert.Equal(ExitCodes.Ok, showCode);
        var shown = JsonNode.Parse(show)!;
        Assert.Equal("succeeded", (string?)shown["status"]);
        Assert.Equal((double)JsonNode.Parse(stdout)!["stages"]!["fit"]!["outputs"]!["weight_a"]!, (double)shown["stages"]!["fit"]!["outputs"]!["weight_a"]!);
        var (missingCode, _, missing) = await TbrmflowProcess.RunAsync(_work, "show", "nope", "--store", Path.Combine(_work, "store.db"));
        Assert.Equal(ExitCodes.BadInput, missingCode);
        Assert.Contains("no run 'nope'", missing, StringComparison.Ordinal);
    }

    // A run whose process died (kill -9, crash, reboot): every reader says interrupted, and resume takes it.
    [Fact]
    public async Task KilledRun_IsInterruptedInRunsShowAndJson_AndResumes()
    {
        var store = Path.Combine(_work, "store.db");
        var hello = Path.Combine(TbrmflowProcess.RepositoryRoot, "workflows", "hello.yaml");
        using (var db = new Engine.Store.RunStore(store))
        {
            // The owner: this test's pid with another start time, i.e. a process that is gone (its pid reused).
            db.SaveRun(new Engine.Store.RunRecord
            {
                Id = "20260101-000000-dead00",
                Workflow = "hello",
                Experiment = "hello",
                SourceFile = hello,
                SourceText = await File.ReadAllTextAsync(hello),
                ParamsJson = """{"seed":1}""",
                Status = RunStatus.Running,
                StartedAt = DateTime.UtcNow,
                Pid = Environment.ProcessId,
                OwnerStartedAt = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            });
            db.SaveStage(new Engine.Store.StageRecord { RunId = "20260101-000000-dead00", InstanceId = "data", StageId = "data", Activity = "data.arithmetic", Status = StageStatus.Running, Attempts = 1 });
        }
        var (_, list, _) = await TbrmflowProcess.RunAsync(_work, "runs", "--json", "--store", store);
        Assert.Equal("interrupted", (string?)JsonNode.Parse(list)![0]!["status"]);
        var (_, table, _) = await TbrmflowProcess.RunAsync(_work, "runs", "--store", store);
        Assert.Contains("interrupted", table, StringComparison.Ordinal);
        Assert.DoesNotContain("running", table, StringComparison.Ordinal);
        var (_, json, _) = await TbrmflowProcess.RunAsync(_work, "show", "20260101-000000-dead00", "--json", "--store", store);
        Assert.Equal("interrupted", (string?)JsonNode.Parse(json)!["status"]);
        Assert.Equal("interrupted", (string?)JsonNode.Parse(json)!["stages"]!["data"]!["status"]);
        var (_, text, _) = await TbrmflowProcess.RunAsync(_work, "show", "20260101-000000-dead00", "--store", store);
        Assert.Contains("run 20260101-000000-dead00: interrupted", text, StringComparison.Ordinal);
        Assert.Contains("run 20260101-000000-dead00 · interrupted", text, StringComparison.Ordinal);
        Assert.Contains("tbrmflow resume 20260101-000000-dead00", text, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", text, StringComparison.Ordinal);
        var (resumeCode, resumed, resumeErr) = await TbrmflowProcess.RunAsync(_work, "resume", "20260101-000000-dead00", "--json", "--store", store);
        Assert.True(resumeCode == ExitCodes.Ok, resumeErr);
        Assert.Equal("succeeded", (string?)JsonNode.Parse(resumed)!["status"]);
    }

    [Fact]
    public async Task Resume_ContinuesAFailedRun_WithoutRerunningFinishedStages()
    {
        var store = Path.Combine(_work, "store.db");
        var extra = Path.Combine(_work, "extra.jsonl");
        var file = Path.Combine(_work, "two.yaml");
        await File.WriteAllTextAsync(file, $$"""
            name: two
            stages:
              gen: { uses: data.arithmetic, with: { digits: 1, train_size: 20, test_size: 5, seed: 3 } }
              extra:
                uses: data.load
                needs: [gen]
                with: { path: "{{extra}}" }
            """);
        var (code, stdout, stderr) = await TbrmflowProcess.RunAsync(_work, "run", file, "--json", "--store", store);
        Assert.Equal(ExitCodes.RunFailed, code);
        var failed = JsonNode.Parse(stdout)!;
        var runId = (string)failed["run_id"]!;
        Assert.Equal("failed", (string?)failed["status"]);
        Assert.Equal("succeeded", (string?)failed["stages"]!["gen"]!["status"]);
        Assert.Equal("failed", (string?)failed["stages"]!["extra"]!["status"]);
        Assert.Contains("extra.jsonl", (string?)failed["stages"]!["extra"]!["error"], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        // Fix the cause, then resume the same run: gen is kept (one attempt, same output), extra runs again.
        await File.WriteAllTextAsync(extra, "{\"question\": \"1+1\", \"answer\": \"2\"}\n{\"question\": \"2+2\", \"answer\": \"4\"}\n");
        var (resumeCode, resumed, resumeErr) = await TbrmflowProcess.RunAsync(_work, "resume", runId, "--json", "--store", store);
        Assert.True(resumeCode == ExitCodes.Ok, resumeErr);
        var after = JsonNode.Parse(resumed)!;
        Assert.Equal(runId, (string?)after["run_id"]);
        Assert.Equal("succeeded", (string?)after["status"]);
        Assert.Equal(1, (int)after["stages"]!["gen"]!["attempts"]!);
        Assert.Equal(failed["stages"]!["gen"]!["outputs"]!.ToJsonString(), after["stages"]!["gen"]!["outputs"]!.ToJsonString());
        Assert.Equal("succeeded", (string?)after["stages"]!["extra"]!["status"]);
        Assert.DoesNotContain("gen running", resumeErr, StringComparison.Ordinal);
        Assert.Contains("extra running", resumeErr, StringComparison.Ordinal);

        var (againCode, _, againErr) = await TbrmflowProcess.RunAsync(_work, "resume", "no-such-run", "--store", store);
        Assert.Equal(ExitCodes.BadInput, againCode);
        Assert.Contains("no-such-run", againErr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
