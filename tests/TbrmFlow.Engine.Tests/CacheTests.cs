using TbrmFlow.Engine.Running;

namespace TbrmFlow.Engine.Tests;

public sealed class CacheTests
{
    private static string Workflow(string counter, string extra = "") => $$"""
        name: cache
        stages:
          add:
            uses: test.add
            with: { a: 1, b: 2, counter_file: "{{counter}}" }
            {{extra}}
        """;

    [Fact]
    public async Task SecondRun_ReusesOutputs_AndIsMarkedCached()
    {
        using var home = new TestHome();
        var counter = home.File("count.txt");
        var first = await home.RunAsync(Workflow(counter));
        var second = await home.RunAsync(Workflow(counter));
        Assert.Equal(StageStatus.Succeeded, first.Stages["add"].Status);
        Assert.Equal(StageStatus.Cached, second.Stages["add"].Status);
        Assert.Equal(3, second.Stages["add"].Outputs["sum"]!.GetValue<double>());
        Assert.Single(File.ReadAllLines(counter));
        using var store = home.OpenStore();
        Assert.Equal($"{first.RunId}/add", store.GetStages(second.RunId).Single().CachedFrom);
    }

    [Fact]
    public async Task ChangedInput_MissesTheCache()
    {
        using var home = new TestHome();
        var counter = home.File("count.txt");
        await home.RunAsync(Workflow(counter));
        var changed = await home.RunAsync(Workflow(counter).Replace("b: 2", "b: 3", StringComparison.Ordinal));
        Assert.Equal(StageStatus.Succeeded, changed.Stages["add"].Status);
        Assert.Equal(4, changed.Stages["add"].Outputs["sum"]!.GetValue<double>());
        Assert.Equal(2, File.ReadAllLines(counter).Length);
    }

    [Fact]
    public async Task CacheFalse_And_NoCache_RunAgain()
    {
        using var home = new TestHome();
        var counter = home.File("count.txt");
        await home.RunAsync(Workflow(counter));
        var off = await home.RunAsync(Workflow(counter, "cache: false"));
        Assert.Equal(StageStatus.Succeeded, off.Stages["add"].Status);
        using var noCache = new TestHome(noCache: true);
        var noCacheCounter = noCache.File("count.txt");
        await noCache.RunAsync(Workflow(noCacheCounter));
        var again = await noCache.RunAsync(Workflow(noCacheCounter));
        Assert.Equal(StageStatus.Succeeded, again.Stages["add"].Status);
        Assert.Equal(2, File.ReadAllLines(counter).Length);
        Assert.Equal(2, File.ReadAllLines(noCacheCounter).Length);
    }

    [Fact]
    public async Task NonDeterministicActivity_IsNotCached()
    {
        using var home = new TestHome();
        const string Yaml = "name: nd\nstages:\n  s: { uses: test.fail, with: { times: 0 } }\n";
        await home.RunAsync(Yaml);
        var second = await home.RunAsync(Yaml);
        Assert.Equal(StageStatus.Succeeded, second.Stages["s"].Status);
    }
}
