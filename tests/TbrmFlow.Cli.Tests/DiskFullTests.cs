using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TbrmFlow.Testing;

namespace TbrmFlow.Cli.Tests;

/// <summary>Runs only where a tmpfs can be mounted (root: CI and the dev container); elsewhere it says why it skipped.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute() => Skip = Tmpfs.SkipReason;
}

/// <summary>A real full disk (a 2 MiB tmpfs) during a run, then a resume once space is freed.</summary>
public sealed partial class DiskFullTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("tbrmflow-diskfull-").FullName;
    private Tmpfs? _tmpfs;

    private string Disk => Path.Combine(_work, "disk");

    public void Dispose()
    {
        _tmpfs?.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [TmpfsFact]
    public async Task DiskFullDuringARun_EndsItFailed_WithOneLine_ThenResumeLeavesNoHalfMadeMlflowRun()
    {
        _tmpfs = Tmpfs.Mount(Disk, "2M");
        // ~3.5 MB of problems: the stage's own write fills the disk.
        var file = Path.Combine(_work, "big.yaml");
        await File.WriteAllTextAsync(file, """
            name: big
            stages:
              gen: { uses: data.arithmetic, with: { digits: 3, train_size: 60000, test_size: 100, seed: 3 } }
            """);
        string[] where = ["--home", Path.Combine(Disk, "home"), "--store", Path.Combine(Disk, "runs.db")];

        var (code, stdout, stderr) = await TbrmflowProcess.RunAsync(Disk, ["run", file, "--json", "--mlruns", Path.Combine(Disk, "mlruns"), .. where]);

        Assert.Equal(ExitCodes.RunFailed, code);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        var runId = RunIdIn().Match(error).Groups[1].Value;
        Assert.Matches($"^error: disk full writing {Regex.Escape(Disk)}/\\S+: run {runId} failed; free space and run `tbrmflow resume {runId}`$", error);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.StartsWith("disk full writing ", (string?)JsonNode.Parse(stdout)!["write_fault"], StringComparison.Ordinal);
        var shown = await ShowAsync(runId, where);
        Assert.Equal("failed", (string?)shown["status"]);
        Assert.Equal("failed", (string?)shown["stages"]!["gen"]!["status"]);
        Assert.StartsWith("disk full writing ", (string?)shown["stages"]!["gen"]!["error"], StringComparison.Ordinal);
        Assert.Equal([4, 4], MlflowRuns().Select(r => r.Status).Order()); // FAILED: parent and stage

        // Free space, then resume: the same MLflow runs continue and end FINISHED; nothing half-made is left.
        _tmpfs.Resize("64M");
        var (resumeCode, _, resumeErr) = await TbrmflowProcess.RunAsync(Disk, ["resume", runId, .. where]);

        Assert.True(resumeCode == ExitCodes.Ok, resumeErr);
        Assert.Equal("succeeded", (string?)(await ShowAsync(runId, where))["status"]);
        Assert.Equal([3, 3], MlflowRuns().Select(r => r.Status));
        Assert.False(Directory.Exists(Path.Combine(Disk, "mlruns", ".tbrmflow-staging")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Disk, "mlruns"), ".tbrmflow-tmp-*", SearchOption.AllDirectories));
    }

    /// <summary>Every run directory of the store's experiments (all must have a meta.yaml) with its status.</summary>
    private List<(string Dir, int Status)> MlflowRuns()
    {
        var root = Path.Combine(Disk, "mlruns");
        var runs = Directory.EnumerateDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.'))
            .SelectMany(Directory.EnumerateDirectories).ToList();
        Assert.All(runs, r => Assert.True(File.Exists(Path.Combine(r, "meta.yaml")), r + " has no meta.yaml"));
        return [.. runs.Select(r => (r, int.Parse(File.ReadAllLines(Path.Combine(r, "meta.yaml")).Single(l => l.StartsWith("status: ", StringComparison.Ordinal))[8..], System.Globalization.CultureInfo.InvariantCulture)))];
    }

    private async Task<JsonNode> ShowAsync(string runId, string[] where)
    {
        var (code, stdout, stderr) = await TbrmflowProcess.RunAsync(Disk, ["show", runId, "--json", .. where]);
        Assert.True(code == ExitCodes.Ok, stderr);
        return JsonNode.Parse(stdout)!;
    }

    [GeneratedRegex(@" run (\S+) failed;")]
    private static partial Regex RunIdIn();
}
