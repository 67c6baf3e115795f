using TbrmFlow.Tracking.Local;
using TbrmFlow.Tracking.Remote;

namespace TbrmFlow.Tracking.Tests;

public sealed class LogBatchTests
{
    [Fact]
    public void Split_KeepsEveryBatchWithinMlflowLimits_AndLosesNothing()
    {
        var metrics = Enumerable.Range(0, 2500).Select(i => KeyValuePair.Create("m" + (i % 7), new MetricPoint(i, i, i))).ToList();
        var parameters = Enumerable.Range(0, 250).Select(i => KeyValuePair.Create("p" + i, "v")).ToList();
        var tags = Enumerable.Range(0, 150).Select(i => KeyValuePair.Create("t" + i, "v")).ToList();

        var batches = LogBatch.Split(metrics, parameters, tags).ToList();

        Assert.All(batches, b =>
        {
            Assert.InRange(b.Metrics.Count, 0, 1000);
            Assert.InRange(b.Params.Count, 0, 100);
            Assert.InRange(b.Tags.Count, 0, 100);
            Assert.InRange(b.Count, 1, 1000);
        });
        Assert.Equal(metrics, batches.SelectMany(b => b.Metrics));
        Assert.Equal(parameters, batches.SelectMany(b => b.Params));
        Assert.Equal(tags, batches.SelectMany(b => b.Tags));
        // 100 params + 100 tags leave 800 metrics in the first request.
        Assert.Equal(800, batches[0].Metrics.Count);
        Assert.Equal(3, batches.Count); // 800 + 850 + 850 metrics
    }

    [Fact]
    public void Split_DropsDuplicateParamKeys_WhichMlflowRejects()
    {
        var batches = LogBatch.Split([], [new("a", "1"), new("a", "1"), new("b", "2")], []).ToList();
        Assert.Equal(["a", "b"], batches.Single().Params.Select(p => p.Key));
    }

    [Fact]
    public void EncodeValue_UsesMlflowStringsForNonFiniteValues()
    {
        Assert.Equal("\"NaN\"", MlflowRestClient.EncodeValue(double.NaN).ToJsonString());
        Assert.Equal("\"Infinity\"", MlflowRestClient.EncodeValue(double.PositiveInfinity).ToJsonString());
        Assert.Equal("\"-Infinity\"", MlflowRestClient.EncodeValue(double.NegativeInfinity).ToJsonString());
        Assert.Equal("0.25", MlflowRestClient.EncodeValue(0.25).ToJsonString());
    }
}
