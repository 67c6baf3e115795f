using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace TbrmFlow.Tracking.Tests.TestDoubles;

/// <summary>
/// An in-process HTTP server (HttpListener on 127.0.0.1, a free port) that follows MLflow's
/// documented REST API 2.0 behaviour for the endpoints TbrmFlow uses: error bodies
/// <c>{error_code, message}</c> (INVALID_PARAMETER_VALUE and RESOURCE_ALREADY_EXISTS are 400,
/// RESOURCE_DOES_NOT_EXIST 404), log-batch limits, immutable params, deleted experiments keeping
/// their name, NaN/Infinity as strings. Faults are injected on demand: failing requests with a
/// status, and going away (stop) and coming back on the same port.
/// </summary>
public sealed partial class MlflowServerTestDouble : IDisposable
{
    private readonly Lock _lock = new();
    private HttpListener? _listener;
    private int _failNext;
    private HttpStatusCode _failStatus;
    private int _nextExperiment = 1;

    public MlflowServerTestDouble()
    {
        Port = FreePort();
        Experiments["0"] = new ExperimentRecord("0", "Default") { };
        Start();
    }

    public int Port { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    public Dictionary<string, ExperimentRecord> Experiments { get; } = [];

    public Dictionary<string, RunRecord> Runs { get; } = [];

    public Dictionary<string, byte[]> ArtifactFiles { get; } = [];

    public List<string> Requests { get; } = [];

    /// <summary>Headers of the last request (to check authentication).</summary>
    public string? LastAuthorization { get; private set; }

    public void Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add(Uri.AbsoluteUri);
        _listener.Start();
        _ = Task.Run(() => AcceptAsync(_listener));
    }

    /// <summary>The server goes away: connections are refused until <see cref="Start"/>.</summary>
    public void Stop()
    {
        _listener?.Close();
        _listener = null;
    }

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="status"/>.</summary>
    public void FailNext(int count, HttpStatusCode status)
    {
        lock (_lock)
        {
            _failNext = count;
            _failStatus = status;
        }
    }

    public void DeleteExperiment(string id)
    {
        lock (_lock)
        {
            Experiments[id].Deleted = true;
        }
    }

    public void Dispose() => Stop();

    private async Task AcceptAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Serve(context));
        }
    }

    private void Serve(HttpListenerContext context)
    {
        int status;
        JsonNode? body;
        var path = context.Request.Url!.AbsolutePath;
        var input = new StreamReader(context.Request.InputStream).ReadToEnd();
        var bytes = context.Request.ContentEncoding.GetBytes(input);
        lock (_lock)
        {
            Requests.Add(context.Request.HttpMethod + " " + path);
            LastAuthorization = context.Request.Headers["Authorization"];
            if (_failNext > 0)
            {
                _failNext--;
                (status, body) = ((int)_failStatus, Error("TEMPORARILY_UNAVAILABLE", "injected fault"));
            }
            else
            {
                try
                {
                    (status, body) = Handle(context.Request, path, input, bytes);
                }
                catch (ApiError e)
                {
                    (status, body) = (e.Status, Error(e.Code, e.Message));
                }
            }
        }
        var output = Encoding.UTF8.GetBytes(body?.ToJsonString() ?? "{}");
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.OutputStream.Write(output);
        context.Response.Close();
    }

    private static JsonObject Error(string code, string message) => new() { ["error_code"] = code, ["message"] = message };

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public sealed class ExperimentRecord(string id, string name)
    {
        public string Id { get; } = id;
        public string Name { get; } = name;
        public bool Deleted { get; set; }
    }

    public sealed class RunRecord
    {
        public required string RunId { get; init; }
        public required string ExperimentId { get; init; }
        public required string RunName { get; init; }
        public required long StartTime { get; init; }
        public string Status { get; set; } = "RUNNING";
        public long? EndTime { get; set; }
        public Dictionary<string, string> Params { get; } = [];
        public Dictionary<string, string> Tags { get; } = [];
        public List<(string Key, double Value, long Timestamp, long Step)> Metrics { get; } = [];
    }

    private sealed class ApiError(int status, string code, string message) : Exception(message)
    {
        public int Status { get; } = status;
        public string Code { get; } = code;
    }
}
