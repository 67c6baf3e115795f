using System.Text.Json.Nodes;

namespace TbrmFlow.Cli.Tests;

/// <summary>The walking skeleton's command line: help, version, exit codes, the hello workflow.</summary>
public sealed class FoundationCliTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("tbrmflow-cli").FullName;

    [Fact]
    public async Task Version_PrintsTheProductVersion()
    {
        var (code, stdout, _) = await TbrmflowProcess.RunAsync(_work, "--version");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.StartsWith("0.1.0", stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheRunCommand()
    {
        var (code, stdout, _) = await TbrmflowProcess.RunAsync(_work, "--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("run", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_IsAUsageError()
    {
        var (code, _, stderr) = await TbrmflowProcess.RunAsync(_work, "--no-such-option");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--no-such-option", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingWorkflowFile_IsOneLineAndExitTwo()
    {
        var (code, stdout, stderr) = await TbrmflowProcess.RunAsync(_work, "run", "missing.yaml");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("missing.yaml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelloWorkflow_LearnsAddition()
    {
        var hello = Path.Combine(TbrmflowProcess.RepositoryRoot, "workflows", "hello.yaml");
        var (code, stdout, stderr) = await TbrmflowProcess.RunAsync(_work, "run", hello, "--json", "-p", "seed=3");
        Assert.True(code == ExitCodes.Ok, stderr);
        var doc = JsonNode.Parse(stdout)!;
        Assert.Equal("succeeded", (string?)doc["status"]);
        var fit = doc["stages"]!["fit"]!["outputs"]!;
        // y = a + b is learned: both weights near 1 and the fit is close to exact.
        Assert.InRange((double)fit["weight_a"]!, 0.95, 1.05);
        Assert.InRange((double)fit["weight_b"]!, 0.95, 1.05);
        Assert.True((double)fit["final_loss"]! < 1e-3);
        Assert.True(Directory.Exists(Path.Combine(_work, ".tbrmflow", "artifacts")));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
