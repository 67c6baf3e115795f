using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Server.Hubs;
using TbrmFlow.Server.Services;
using TbrmFlow.Workflows.Schema;
using static TbrmFlow.Server.Tests.WorkflowApiTests;

namespace TbrmFlow.Server.Tests;

/// <summary>Live events over SignalR; the OpenAPI document, the reference page and the schema.</summary>
public sealed class HubAndDocsTests(TbrmFlowServerFactory factory) : IClassFixture<TbrmFlowServerFactory>
{
    [Fact]
    public async Task Hub_PushesTheRunsEvents_FromStartToFinish()
    {
        var events = new ConcurrentQueue<RunEventDto>();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, RunsHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        string? id = null;
        connection.On<RunEventDto>(RunsHub.EventMethod, e =>
        {
            events.Enqueue(e);
            if (e.Kind == RunEventKind.RunFinished && e.RunId == Volatile.Read(ref id))
            {
                finished.TrySetResult();
            }
        });
        await connection.StartAsync();
        using var client = factory.CreateAuthorizedClient();
        Volatile.Write(ref id, await factory.StartRunAsync(client, "hello", new { seed = "9" }));
        if (events.Any(e => e.Kind == RunEventKind.RunFinished && e.RunId == id))
        {
            finished.TrySetResult();
        }
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var mine = events.Where(e => e.RunId == id).ToList();
        Assert.Equal(RunEventKind.RunStarted, mine[0].Kind);
        Assert.Equal("succeeded", mine[^1].Status);
        Assert.Contains(mine, e => e is { Kind: RunEventKind.StageState, InstanceId: "fit", Status: "running" });
        Assert.Contains(mine, e => e is { Kind: RunEventKind.StageState, InstanceId: "fit", Status: "succeeded" });
        Assert.Contains(mine, e => e is { Kind: RunEventKind.StageProgress, InstanceId: "fit", Progress: { Done: 1000, Total: 1000 } });
        var losses = mine.Where(e => e.Kind == RunEventKind.StageMetrics && e.InstanceId == "fit" && e.Metrics!.ContainsKey("train/loss")).ToList();
        Assert.Equal(20, losses.Count);
        Assert.Equal(1000, losses[^1].Step);
        // The stage's log lines stream too: the lines the CLI prints, from "running" to "succeeded".
        var log = mine.Where(e => e is { Kind: RunEventKind.StageLog, InstanceId: "fit" }).Select(e => e.Message!).ToList();
        Assert.Equal("running", log[0]);
        Assert.Contains(log, l => l.StartsWith("1000/1000 (100%) train/loss", StringComparison.Ordinal));
        Assert.Equal("succeeded", log[^1]);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesEveryEndpoint_AndScalarServesThePage()
    {
        using var client = factory.CreateClient();
        var doc = JsonNode.Parse(await client.GetStringAsync(Url("/openapi/v1.json")))!;
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        foreach (var path in new[]
        {
            "/api/workflows", "/api/workflows/{name}", "/api/workflows/validate", "/api/activities", "/api/schema",
            "/api/runs", "/api/runs/{id}", "/api/runs/{id}/cancel", "/api/runs/{id}/resume", "/api/runs/{id}/stages/{instance}/logs", "/api/runs/{id}/metrics",
        })
        {
            Assert.Contains(path, paths);
        }
        var page = await client.GetAsync(Url("/scalar/v1"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_IsWhatTheCliPrints()
    {
        using var client = factory.CreateClient();
        var served = JsonNode.Parse(await client.GetStringAsync(Url("/api/schema")))!;
        Assert.True(JsonNode.DeepEquals(WorkflowSchema.Generate(ActivityCatalog.FromApplication()), served));
        Assert.Contains("rl.tbrm", served.ToJsonString(), StringComparison.Ordinal);
    }
}
