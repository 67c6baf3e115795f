using System.Text.Json.Nodes;

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
        Assert.Equal("integer", (string?)digits["type"]);
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

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
