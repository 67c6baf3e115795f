using System.Text.RegularExpressions;
using Spectre.Console.Testing;
using TbrmFlow.Cli.Output;
using TbrmFlow.Engine.Running;

namespace TbrmFlow.Cli.Tests;

/// <summary>The run display: live bars on a terminal, a bounded number of plain lines otherwise.</summary>
public sealed partial class ConsoleRunObserverTests
{
    [GeneratedRegex("\\x1b\\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Ansi();

    [Fact]
    public async Task Plain_PrintsOneProgressLinePerTenth_NotOnePerEvent()
    {
        var console = new TestConsole();
        await using (var display = new ConsoleRunObserver(console, live: false))
        {
            display.StageStateChanged("sft", StageStatus.Running);
            for (var step = 1; step <= 250; step++)
            {
                display.StageProgress("sft", step, 250, $"loss {1.0 / step:F3}");
            }
            display.StageStateChanged("sft", StageStatus.Succeeded);
        }
        var lines = console.Lines.Where(l => l.Length > 0).ToList();
        var progress = lines.Where(l => l.Contains("/250", StringComparison.Ordinal)).ToList();
        // The first report, then one per tenth: 0%, 10%, ..., 100%.
        Assert.Equal(11, progress.Count);
        Assert.StartsWith("sft 1/250 (0%)", progress[0], StringComparison.Ordinal);
        Assert.StartsWith("sft 25/250 (10%)", progress[1], StringComparison.Ordinal);
        Assert.StartsWith("sft 250/250 (100%)", progress[^1], StringComparison.Ordinal);
        Assert.Equal("sft running", lines[0]);
        Assert.Equal("sft succeeded", lines[^1]);
    }

    [Fact]
    public async Task Live_DrawsABarWithThePercentage_AndClearsItAtTheEnd()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        console.Profile.Width = 120;
        await using (var display = new ConsoleRunObserver(console, live: true))
        {
            display.StageStateChanged("rl", StageStatus.Running);
            display.StageProgress("rl", 30, 120, "reward 0.41");
            // The live display redraws on its own timer; wait (bounded) for the bar to appear.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!console.Output.Contains("25%", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.Contains("25%", console.Output, StringComparison.Ordinal);
            Assert.Contains("rl reward 0.41", console.Output, StringComparison.Ordinal);
            Assert.Contains("━", console.Output, StringComparison.Ordinal);
            display.StageStateChanged("rl", StageStatus.Succeeded);
        }
        var text = Ansi().Replace(console.Output, "");
        Assert.Contains("rl succeeded", text, StringComparison.Ordinal);
        Assert.DoesNotContain("30/120", text, StringComparison.Ordinal);
    }
}
