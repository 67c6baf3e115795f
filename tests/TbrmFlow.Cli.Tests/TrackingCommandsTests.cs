using System.CommandLine;
using Spectre.Console;
using TbrmFlow.Cli.Commands;
using TbrmFlow.Tracking;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Cli.Tests;

public sealed class TrackingCommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tbrmflow-cli-tracking-" + Guid.NewGuid().ToString("n")[..8]);

    public TrackingCommandsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Invoke(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        (Terminal.Out, Terminal.Error) = (Console(output), Console(error));
        var root = new RootCommand { MlflowCommand.Create(), CompareCommand.Create() };
        var code = await CommandLine.InvokeAsync(root, args);
        return (code, output.ToString(), error.ToString());
    }

    private static IAnsiConsole Console(StringWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        return console;
    }

    [Fact]
    public async Task MlflowRepair_RewritesAFileHoldingAReplayTwice_ThenFindsNothing_AndAMissingStoreIsBadInput()
    {
        var store = new MlflowFileStore(Path.Combine(_dir, "mlruns"));
        var run = store.CreateRun(MlflowFileStore.DefaultExperimentId, "r", "u", 0, new Dictionary<string, string>());
        var file = Path.Combine(run.Directory, "metrics", "loss");
        // As versions before keying metrics by step left it after a resume from step 100 of a run killed at 150.
        await File.WriteAllTextAsync(file, string.Concat(Enumerable.Range(0, 151).Select(s => $"{s} 1.0 {s}\n"))
                                           + string.Concat(Enumerable.Range(101, 70).Select(s => $"{s} 2.0 {s}\n")));

        var (code, output, _) = await Invoke("mlflow", "repair", "--mlruns", store.Root);
        var (again, second, _) = await Invoke("mlflow", "repair", "--mlruns", store.Root);
        var (missing, _, error) = await Invoke("mlflow", "repair", "--mlruns", Path.Combine(_dir, "nope"));

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("1 metric files rewritten (50 duplicated steps, 0 cut lines dropped)", output, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 171).Select(i => (long)i), MetricFile.Read(file, out _).Select(p => p.Step));
        Assert.Equal((ExitCodes.Ok, true), (again, second.Contains("0 metric files rewritten", StringComparison.Ordinal)));
        Assert.Equal(ExitCodes.BadInput, missing);
        Assert.Contains("no local store at", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_PrintsDifferingParams_AndWritesChart()
    {
        var store = new MlflowFileStore(Path.Combine(_dir, "mlruns"));
        var ids = new List<string>();
        foreach (var beta in new[] { "0.05", "0.5" })
        {
            var run = store.CreateRun("0", "tbrm-" + beta, "u", 1, new Dictionary<string, string>());
            run.LogParam("beta", beta);
            run.LogParam("seed", "1");
            run.LogMetrics(1, 10, [new("train/reward_mean", 0.1)]);
            run.LogMetrics(2, 11, [new("train/reward_mean", beta == "0.05" ? 0.6 : 0.3)]);
            ids.Add(run.RunId);
        }
        var png = Path.Combine(_dir, "chart.png");

        var (code, output, _) = await Invoke(["compare", ids[0], ids[1][..8], "--mlruns", Path.Combine(_dir, "mlruns"), "--out", png]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("beta", output);
        Assert.DoesNotContain("seed", output);
        Assert.Contains("0.6", output);
        Assert.Contains("0.3", output);
        Assert.True(new FileInfo(png).Length > 5000);
    }

    [Fact]
    public async Task Compare_UnknownRun_IsBadInputWithMessage()
    {
        _ = new MlflowFileStore(Path.Combine(_dir, "mlruns"));
        var (code, _, error) = await Invoke(["compare", "feedbeef", "--mlruns", Path.Combine(_dir, "mlruns")]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no run 'feedbeef'", error);
    }

    [Fact]
    public async Task MlflowSync_WithoutServer_IsBadInputWithMessage()
    {
        var previous = Environment.GetEnvironmentVariable(TrackingOptions.TrackingUriVariable);
        Environment.SetEnvironmentVariable(TrackingOptions.TrackingUriVariable, null);
        try
        {
            var (code, _, error) = await Invoke(["mlflow", "sync", "--mlruns", _dir]);
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("--tracking-uri", error);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TrackingOptions.TrackingUriVariable, previous);
        }
    }

    [Fact]
    public async Task MlflowSync_ServerUnreachable_FailsWithoutStackTrace()
    {
        var store = new MlflowFileStore(Path.Combine(_dir, "mlruns"));
        store.CreateRun("0", "r", "u", 1, new Dictionary<string, string>());
        // Port 9 (discard) on loopback: nothing listens there.
        var (code, _, error) = await Invoke(["mlflow", "sync", "--tracking-uri", "http://127.0.0.1:9", "--mlruns", Path.Combine(_dir, "mlruns")]);
        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("run the command again", error);
        Assert.DoesNotContain("   at ", error);
    }
}
