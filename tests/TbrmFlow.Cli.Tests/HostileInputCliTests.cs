using System.Text.RegularExpressions;
using TbrmFlow.Workflows.Tests.Support;

namespace TbrmFlow.Cli.Tests;

/// <summary>
/// The hostile files of issue 13 (and the largest generated ones) through the real program in one process:
/// each gets its positioned error, the program exits 2 with no stack trace, within 20 s and 1 GB.
/// </summary>
public sealed partial class HostileInputCliTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("tbrmflow-hostile-cli-").FullName;

    private static readonly string[] Largest =
        ["yaml-flow-seq-100k", "yaml-flow-map-100k", "yaml-block-seq-100k", "yaml-document-2mb", "yaml-laughs-long-values", "yaml-alias-depth-chain",
         "expr-bang-60k", "count-stages-600", "count-instances-5x250", "count-matrix-long-values", "bytes-not-utf8", "bytes-nul"];

    [Fact]
    public async Task Validate_RefusesEveryHostileFile_WithAPositionedError_InBoundedTimeAndMemory()
    {
        var cases = HostileWorkflows.FromTheIssue.Concat(HostileWorkflows.All.Where(c => Largest.Contains(c.Name))).ToList();
        Assert.Equal(HostileWorkflows.FromTheIssue.Count + Largest.Length, cases.Count);
        var files = new List<string>();
        foreach (var c in cases)
        {
            files.Add(Path.Combine(_work, c.Name + ".yaml"));
            await File.WriteAllBytesAsync(files[^1], c.Bytes);
        }
        files.Add("/dev/zero"); // never ends: read up to the size limit only

        var (code, stdout, stderr, elapsed, peak) = await TbrmflowProcess.RunMeasuredAsync(_work, ["validate", .. files]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (c, file) in cases.Zip(files))
        {
            var mine = lines.Where(l => l.StartsWith(file + ":", StringComparison.Ordinal)).ToList();
            Assert.True(mine.Any(l => Positioned().IsMatch(l[file.Length..]) && l.Contains($" error {c.Code}: ", StringComparison.Ordinal)), $"{c.Name}: expected {c.Code}, got: {string.Join(" | ", mine)}");
        }
        Assert.Contains(lines, l => l.StartsWith("/dev/zero:", StringComparison.Ordinal) && l.Contains("(limit MaxDocumentBytes = ", StringComparison.Ordinal));
        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"took {elapsed.TotalSeconds:F1} s");
        Assert.True(peak < 1L << 30, $"peak memory {peak / 1e6:F0} MB");
        Console.WriteLine($"hostile CLI: {files.Count} files, {elapsed.TotalSeconds:F1} s, peak {peak / 1e6:F0} MB");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [GeneratedRegex(@"^:\d+:\d+: error TF\d{4}: \S")]
    private static partial Regex Positioned();
}
