using TbrmFlow.Engine.Running;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Engine.Tests;

/// <summary>
/// Child-process host for the kill/resume test: <c>dotnet TbrmFlow.Engine.Tests.dll run HOME FILE</c>
/// runs a workflow with the test activities and prints <c>run-id: ID</c> as soon as the run starts.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["run", var home, var file])
        {
            await Console.Error.WriteLineAsync("usage: run HOME FILE");
            return 2;
        }
        using var services = EngineHost.Build(new EngineOptions { HomeDirectory = home });
        var result = await EngineHost.Runner(services).RunAsync(WorkflowParser.ParseFile(file), new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(), new PrintRunId(), CancellationToken.None);
        return result.Status == RunStatus.Succeeded ? 0 : 1;
    }

    private sealed class PrintRunId : IRunObserver
    {
        public void RunStarted(RunInfo run) => Console.WriteLine($"run-id: {run.RunId}");

        public void StageStateChanged(string stageId, StageStatus status, string? detail = null) { }

        public void StageProgress(string stageId, long done, long total, string? message) { }

        public void StageMetrics(string stageId, long step, IReadOnlyDictionary<string, double> metrics) { }

        public void StageLog(string stageId, string message) { }
    }
}
