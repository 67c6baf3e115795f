using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Cluster.Tests;

public sealed class QueueAndPoolTests
{
    private static Workflows.Model.WorkflowDefinition Parse(string yaml) => WorkflowParser.Parse(yaml, "t.yaml");

    [Fact]
    public void Queue_IsGpuForGpuStages_DefaultOtherwise_AndANamedQueueWins()
    {
        var workflow = Parse("""
            name: q
            stages:
              cpu: { uses: cluster.probe }
              gpu: { uses: cluster.probe, resources: { gpu: 1 } }
              big: { uses: cluster.probe, resources: { gpu: 2, queue: a100 } }
              named: { uses: cluster.probe, resources: { queue: cpu_large } }
            """);
        var queues = workflow.Stages.ToDictionary(s => s.Id, StageQueues.For);
        Assert.Equal("default", queues["cpu"]);
        Assert.Equal("gpu", queues["gpu"]);
        Assert.Equal("a100", queues["big"]);
        Assert.Equal("cpu_large", queues["named"]);
    }

    [Theory]
    [InlineData("gpu", true)]
    [InlineData("cpu_large2", true)]
    [InlineData("GPU", false)]
    [InlineData("a-100", false)]
    [InlineData("", false)]
    public void QueueNames_FollowHangfireRules(string name, bool valid) => Assert.Equal(valid, StageQueues.IsValidName(name));

    [Fact]
    public async Task DevicePool_GivesDistinctDevices_AndWaitsUntilOneIsReturned()
    {
        var pool = new DevicePool([0, 1]);
        using var a = await pool.TakeAsync(1, CancellationToken.None);
        var b = await pool.TakeAsync(1, CancellationToken.None);
        Assert.NotEqual(a.Devices[0], b.Devices[0]);
        Assert.Equal([0, 1], a.Devices.Concat(b.Devices).Order());
        var third = pool.TakeAsync(1, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(third.IsCompleted);
        b.Dispose();
        using var c = await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(b.Devices, c.Devices);
    }

    [Fact]
    public async Task DevicePool_WithoutDevices_PinsNothing()
    {
        using var lease = await new DevicePool([]).TakeAsync(1, CancellationToken.None);
        Assert.Empty(lease.Devices);
    }

    [Fact]
    public void SharedStore_ResolvesItsOwnFileUris_AndRefusesOthers()
    {
        var root = Directory.CreateTempSubdirectory("tbrmflow-shared").FullName;
        var store = new SharedDirectoryArtifactStore(root);
        var path = Path.Combine(root, "checkpoint", "abc");
        var uri = SharedDirectoryArtifactStore.ToUri(path);
        Assert.Equal("file", uri.Scheme);
        Assert.Equal(path, store.Resolve(uri));
        var outside = Assert.Throws<ArgumentException>(() => store.Resolve(new Uri("file:///etc/passwd")));
        Assert.Contains("outside the shared store", outside.Message);
        Assert.Throws<ArgumentException>(() => store.Resolve(new Uri("s3://bucket/x")));
    }
}
