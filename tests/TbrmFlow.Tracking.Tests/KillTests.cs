using System.Diagnostics;
using System.Globalization;

namespace TbrmFlow.Tracking.Tests;

public sealed class KillTests
{
    [Fact]
    public async Task KillingTheProcess_LosesNoMetricReportedBeforeTheKill()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "mlruns");
        var helper = Path.Combine(AppContext.BaseDirectory, "TbrmFlow.Tracking.KillHelper.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [helper, store])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        string? runDir = null;
        long lastReported = -1;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("run ", StringComparison.Ordinal))
            {
                runDir = line[4..];
            }
            else if (line.StartsWith("logged ", StringComparison.Ordinal))
            {
                lastReported = long.Parse(line[7..], CultureInfo.InvariantCulture);
                if (lastReported >= 300)
                {
                    process.Kill(entireProcessTree: true);
                    break;
                }
            }
        }
        await process.WaitForExitAsync();
        Assert.NotNull(runDir);
        Assert.True(lastReported >= 300, "helper stopped early: " + await process.StandardError.ReadToEndAsync());

        var reader = new FileStoreLayoutReader(store);
        var experiment = Path.GetFileName(Path.GetDirectoryName(runDir))!;
        var metrics = reader.Metrics(experiment, Path.GetFileName(runDir));
        foreach (var key in new[] { "train/loss", "train/reward_mean" })
        {
            var steps = metrics[key].Select(m => m.Step).ToList();
            Assert.Equal(Enumerable.Range(0, (int)lastReported + 1).Select(i => (long)i), steps.Take((int)lastReported + 1));
        }
        Assert.Equal(lastReported * 0.5, metrics["train/loss"][(int)lastReported].Value);
        Assert.Equal("1", reader.RunMeta(experiment, Path.GetFileName(runDir))["status"]);
    }
}
