using System.Net;
using TbrmFlow.Tracking.Remote;
using TbrmFlow.Tracking.Tests.TestDoubles;

namespace TbrmFlow.Tracking.Tests;

public sealed class RestClientTests : IDisposable
{
    private readonly MlflowServerTestDouble _server = new();

    public void Dispose() => _server.Dispose();

    private MlflowRestClient Client(MlflowCredentials? credentials = null) =>
        new(_server.Uri, credentials ?? MlflowCredentials.None, maxAttempts: 4, firstDelay: TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task GetOrCreateExperiment_CreatesOnce_ThenFindsByName()
    {
        using var client = Client();
        var id = await client.GetOrCreateExperimentAsync("arith", CancellationToken.None);
        Assert.Equal(id, await client.GetOrCreateExperimentAsync("arith", CancellationToken.None));
        Assert.Single(_server.Experiments.Values, e => e.Name == "arith");
    }

    [Fact]
    public async Task GetOrCreateExperiment_DeletedNameIsNotReused_NextFreeNameIs()
    {
        using var client = Client();
        var id = await client.GetOrCreateExperimentAsync("arith", CancellationToken.None);
        _server.DeleteExperiment(id);
        var next = await client.GetOrCreateExperimentAsync("arith", CancellationToken.None);
        Assert.NotEqual(id, next);
        Assert.Equal("arith-2", _server.Experiments[next].Name);
        Assert.True(_server.Experiments[id].Deleted);
    }

    [Fact]
    public async Task Errors_AreParsedFromMlflowBody()
    {
        using var client = Client();
        var e = await Assert.ThrowsAsync<MlflowApiException>(() => client.UpdateRunAsync("nope", MlflowRunStatus.Finished, 1, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, e.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", e.ErrorCode);
        Assert.Contains("nope", e.ServerMessage);
    }

    [Fact]
    public async Task ChangedParam_IsRejectedWithInvalidParameterValue()
    {
        using var client = Client();
        var (run, _) = await client.CreateRunAsync("0", "r", 1, new Dictionary<string, string>(), null, CancellationToken.None);
        await client.LogBatchAsync(run, new LogBatch([], [new("lr", "0.1")], []), CancellationToken.None);
        await client.LogBatchAsync(run, new LogBatch([], [new("lr", "0.1")], []), CancellationToken.None);
        var e = await Assert.ThrowsAsync<MlflowApiException>(() => client.LogBatchAsync(run, new LogBatch([], [new("lr", "0.2")], []), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", e.ErrorCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task TransientErrors_AreRetried(HttpStatusCode status)
    {
        using var client = Client();
        _server.FailNext(3, status);
        var (run, _) = await client.CreateRunAsync("0", "r", 42, new Dictionary<string, string>(), null, CancellationToken.None);
        Assert.Equal(42, _server.Runs[run].StartTime);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public async Task TransientErrors_GiveUpAfterMaxAttempts()
    {
        using var client = Client();
        _server.FailNext(10, HttpStatusCode.BadGateway);
        var e = await Assert.ThrowsAsync<MlflowApiException>(() => client.CreateRunAsync("0", "r", 1, new Dictionary<string, string>(), null, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadGateway, e.Status);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public async Task LogBatch_OverLimits_IsSplit_AndNonFiniteValuesSurvive()
    {
        using var client = Client();
        var (run, _) = await client.CreateRunAsync("0", "r", 1, new Dictionary<string, string>(), null, CancellationToken.None);
        var metrics = Enumerable.Range(0, 2100).Select(i => KeyValuePair.Create("loss", new Local.MetricPoint(1000 + i, i == 5 ? double.NaN : i == 6 ? double.NegativeInfinity : i, i))).ToList();
        var parameters = Enumerable.Range(0, 150).Select(i => KeyValuePair.Create("p" + i, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        await client.LogBatchAsync(run, new LogBatch(metrics, parameters, []), CancellationToken.None);
        Assert.Equal(2100, _server.Runs[run].Metrics.Count);
        Assert.Equal(150, _server.Runs[run].Params.Count);
        Assert.True(_server.Requests.Count(r => r.EndsWith("log-batch", StringComparison.Ordinal)) >= 3);
        var history = await client.GetMetricHistoryAsync(run, "loss", CancellationToken.None);
        Assert.True(double.IsNaN(history[5].Value));
        Assert.Equal(double.NegativeInfinity, history[6].Value);
        Assert.Equal(2099, history[^1].Value);
    }

    [Fact]
    public async Task Auth_BearerTokenWinsOverBasic()
    {
        using (var bearer = Client(new MlflowCredentials("u", "p", "tok")))
        {
            await bearer.GetExperimentByNameAsync("x", CancellationToken.None);
            Assert.Equal("Bearer tok", _server.LastAuthorization);
        }
        using var basic = Client(new MlflowCredentials("u", "p", null));
        await basic.GetExperimentByNameAsync("x", CancellationToken.None);
        Assert.Equal("Basic " + Convert.ToBase64String("u:p"u8.ToArray()), _server.LastAuthorization);
    }

    [Fact]
    public async Task UploadArtifact_PutsBytesUnderTheRunsArtifactPath()
    {
        using var dir = new TempDir();
        var file = dir.File("a b.txt", "hello");
        using var client = Client();
        var (run, uri) = await client.CreateRunAsync("0", "r", 1, new Dictionary<string, string>(), null, CancellationToken.None);
        await client.UploadArtifactAsync("0", run, uri, "eval/a b.txt", file, CancellationToken.None);
        Assert.Equal("hello"u8.ToArray(), _server.ArtifactFiles[$"0/{run}/artifacts/eval/a b.txt"]);
    }
}
