using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Tests;

/// <summary>The data-root rule (EngineOptions.DataRoots, set by the server): one check for every path input, before the stage starts.</summary>
public sealed class DataRootTests
{
    [Fact]
    public async Task WithoutDataRoots_AnyPathIsRead_AsOnTheCommandLine()
    {
        using var home = new TestHome();
        await File.WriteAllTextAsync(home.File("anywhere.txt"), "12345");
        var result = await home.RunAsync($"name: r\nstages:\n  a: {{ uses: test.read, with: {{ file: \"{home.File("anywhere.txt")}\" }} }}\n");
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(5, result.Stages["a"].Outputs["bytes"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("data/in.txt", true)]
    [InlineData("data/sub/../in.txt", true)]
    [InlineData("file://HOME/data/in.txt", true)]
    [InlineData("out.txt", false)]
    [InlineData("data/../out.txt", false)]
    [InlineData("data-evil/in.txt", false)]
    [InlineData("/etc/hostname", false)]
    public async Task WithDataRoots_OnlyPathsBelowThemAreRead(string path, bool allowed)
    {
        using var home = new TestHome(dataRoots: ["data"]);
        Directory.CreateDirectory(home.File("data/sub"));
        Directory.CreateDirectory(home.File("data-evil"));
        foreach (var f in new[] { "data/in.txt", "out.txt", "data-evil/in.txt" })
        {
            await File.WriteAllTextAsync(home.File(f), "12345");
        }
        var full = path.StartsWith('/') ? path : path.StartsWith("file://", StringComparison.Ordinal) ? path.Replace("HOME", home.Directory, StringComparison.Ordinal) : home.File(path);
        var result = await home.RunAsync($"name: r\nstages:\n  a: {{ uses: test.read, with: {{ file: \"{full}\" }} }}\n");
        Assert.Equal(allowed ? StageStatus.Succeeded : StageStatus.Failed, result.Stages["a"].Status);
        if (!allowed)
        {
            Assert.Equal(0, result.Stages["a"].Attempts);
            Assert.StartsWith("input 'file' names ", result.Stages["a"].Error, StringComparison.Ordinal);
            Assert.Contains($"data roots: {home.File("data")}", result.Stages["a"].Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ArtifactInputs_InListsToo_AreHeldToTheRoots_ButTheArtifactStoreIsAlwaysAllowed()
    {
        using var home = new TestHome(dataRoots: ["data"]);
        Directory.CreateDirectory(home.File("data/set"));
        Directory.CreateDirectory(home.File("elsewhere/set"));
        Directory.CreateDirectory(home.File("artifacts/promptset/0123"));
        await File.WriteAllTextAsync(home.File("data/set/problems.jsonl"), "12");
        await File.WriteAllTextAsync(home.File("elsewhere/set/problems.jsonl"), "12");
        await File.WriteAllTextAsync(home.File("artifacts/promptset/0123/problems.jsonl"), "123");
        var result = await home.RunAsync($$"""
            name: r
            stages:
              ok: { uses: test.read, with: { sets: ["{{home.File("data/set")}}", { kind: PromptSet, path: "{{home.File("artifacts/promptset/0123")}}", hash: x }] } }
              bad: { uses: test.read, with: { sets: ["{{home.File("data/set")}}", { kind: PromptSet, path: "{{home.File("elsewhere/set")}}", hash: x }] } }
            """);
        Assert.Equal(StageStatus.Succeeded, result.Stages["ok"].Status);
        Assert.Equal(5, result.Stages["ok"].Outputs["bytes"]!.GetValue<long>());
        Assert.Equal(StageStatus.Failed, result.Stages["bad"].Status);
        Assert.StartsWith("input 'sets[1]' names ", result.Stages["bad"].Error, StringComparison.Ordinal);
    }
}
