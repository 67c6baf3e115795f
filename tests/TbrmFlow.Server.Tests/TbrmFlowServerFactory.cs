using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TbrmFlow.Server.Tests;

/// <summary>
/// The real server in process over its own temporary workflows folder, engine home and MLflow store,
/// with a known token and one data root (<see cref="DataDirectory"/>). Workflows: the repo's hello.yaml, <c>slow</c>
/// (a fit that runs until cancelled) and <c>flaky</c> (a missing file in the data root, retried once, then failed).
/// </summary>
public class TbrmFlowServerFactory : WebApplicationFactory<Program>
{
    public const string TestToken = "test-token-0123456789abcdef";

    public TbrmFlowServerFactory() : this(Directory.CreateTempSubdirectory("tbrmflow-server-").FullName, null)
    {
        OwnsRoot = true;
    }

    /// <param name="root">Holds workflows/, home/ and mlruns/ (reused by a second factory to read old runs).</param>
    /// <param name="urls">The <c>urls</c> setting (loopback by default).</param>
    protected TbrmFlowServerFactory(string root, string? urls)
    {
        Root = root;
        Urls = urls;
        Directory.CreateDirectory(WorkflowsDirectory);
        File.Copy(Path.Combine(RepositoryRoot, "workflows", "hello.yaml"), Path.Combine(WorkflowsDirectory, "hello.yaml"), overwrite: true);
        File.WriteAllText(Path.Combine(WorkflowsDirectory, "slow.yaml"), """
            name: slow
            params:
              seed: 1
            stages:
              data:
                uses: data.arithmetic
                with: { digits: 2, train_size: 64, test_size: 8, seed: "${{ params.seed }}" }
              fit:
                uses: demo.fit_sum
                cache: false
                with: { problems: "${{ stages.data.outputs.train }}", steps: 100000000, seed: "${{ params.seed }}" }
            """);
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllText(Path.Combine(WorkflowsDirectory, "flaky.yaml"), $$"""
            name: flaky
            stages:
              load:
                uses: data.load
                retry: { attempts: 2, backoff: 10ms }
                with: { path: {{Path.Combine(DataDirectory, "does-not-exist.jsonl")}} }
            """);
    }

    public string Root { get; }

    /// <summary>True when this factory made <see cref="Root"/> (and deletes it).</summary>
    protected bool OwnsRoot { get; init; }

    public string? Urls { get; }

    public string WorkflowsDirectory => Path.Combine(Root, "workflows");

    public string HomeDirectory => Path.Combine(Root, "home");

    /// <summary>The server's one data root: runs may read files below it (and artifacts), nothing else.</summary>
    public string DataDirectory => Path.Combine(Root, "data");

    public string MlrunsDirectory => Path.Combine(Root, "mlruns");

    public string StorePath => Path.Combine(HomeDirectory, "runs.db");

    /// <summary>Every log message the server wrote.</summary>
    public ConcurrentQueue<string> LogMessages { get; } = new();

    /// <summary>The repository root (holds TbrmFlow.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("workflows", WorkflowsDirectory);
        builder.UseSetting("home", HomeDirectory);
        builder.UseSetting("mlruns", MlrunsDirectory);
        builder.UseSetting("data_roots", DataDirectory);
        builder.UseSetting("token", TestToken);
        if (Urls is not null)
        {
            builder.UseSetting("urls", Urls);
        }
        builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(LogMessages)));
    }

    /// <summary>A client that sends the token.</summary>
    public HttpClient CreateAuthorizedClient(bool followRedirects = true)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = followRedirects });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestToken);
        return client;
    }

    /// <summary>Starts <paramref name="workflow"/> through the API; returns the run id.</summary>
    public async Task<string> StartRunAsync(HttpClient client, string workflow, object? parameters = null)
    {
        var response = await client.PostAsJsonAsync(new Uri("/api/runs", UriKind.Relative), new { workflow, @params = parameters });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
    }

    /// <summary>GET /api/runs/{id} until <paramref name="done"/> holds (60 s at most).</summary>
    public static async Task<JsonNode> WaitForRunAsync(HttpClient client, string id, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = JsonNode.Parse(await client.GetStringAsync(new Uri($"/api/runs/{id}", UriKind.Relative)))!;
            if (done(run))
            {
                return run;
            }
            Assert.True(DateTime.UtcNow < deadline, $"run {id} did not get there in 60 s: {run.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    public static string Status(JsonNode run) => (string)run["summary"]!["status"]!;

    public static bool Finished(JsonNode run) => Status(run) != "running";

    public static JsonNode StageOf(JsonNode run, string instance) => run["stages"]!.AsArray().Single(s => (string?)s!["instanceId"] == instance)!;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && OwnsRoot)
        {
            TryDelete(Root);
        }
    }

    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TbrmFlow.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("TbrmFlow.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> messages) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, messages);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue($"{category}: {formatter(state, exception)}");
        }
    }
}

/// <summary>A second server over the folders of an earlier one (a restart); the earlier one deletes them.</summary>
public sealed class RestartedServerFactory(string root) : TbrmFlowServerFactory(root, null);

/// <summary>The server bound (by configuration) to every interface: everything needs the token.</summary>
public sealed class PublicServerFactory : TbrmFlowServerFactory
{
    public PublicServerFactory() : base(Directory.CreateTempSubdirectory("tbrmflow-server-public-").FullName, "http://0.0.0.0:5080") => OwnsRoot = true;
}
