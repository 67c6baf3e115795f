using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Remote;

/// <summary>
/// A small client of MLflow's REST API 2.0: experiments, runs, batched logging and artifact upload
/// through the <c>mlflow-artifacts</c> proxy. Retries 429 and 5xx (and refused connections) with
/// exponential backoff; other errors surface as <see cref="MlflowApiException"/>.
/// </summary>
public sealed partial class MlflowRestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly int _maxAttempts;
    private readonly TimeSpan _firstDelay;

    /// <summary>Creates a client for the server at <paramref name="baseUri"/>.</summary>
    public MlflowRestClient(Uri baseUri, MlflowCredentials credentials, int maxAttempts = 5, TimeSpan? firstDelay = null, TimeSpan? timeout = null)
    {
        BaseUri = baseUri;
        _http = new HttpClient { BaseAddress = new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/"), Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = credentials.Header();
        _maxAttempts = maxAttempts;
        _firstDelay = firstDelay ?? TimeSpan.FromMilliseconds(500);
    }

    /// <summary>The server.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// The id of the active experiment <paramref name="name"/>, created when missing. A deleted
    /// experiment keeps its name on the server, so then <c>NAME-2</c>, <c>NAME-3</c>, ... is used
    /// (the first that is free or active); the deleted one is never restored behind the user's back.
    /// </summary>
    public async Task<string> GetOrCreateExperimentAsync(string name, CancellationToken ct)
    {
        for (var n = 1; n < 100; n++)
        {
            var candidate = n == 1 ? name : name + "-" + n.ToString(CultureInfo.InvariantCulture);
            var existing = await GetExperimentByNameAsync(candidate, ct);
            if (existing is { Deleted: false })
            {
                return existing.Value.Id;
            }
            if (existing is null)
            {
                try
                {
                    var created = await SendAsync(HttpMethod.Post, "experiments/create", new JsonObject { ["name"] = candidate }, ct);
                    return created!["experiment_id"]!.GetValue<string>();
                }
                catch (MlflowApiException e) when (e.ErrorCode == "RESOURCE_ALREADY_EXISTS")
                {
                    n--; // created concurrently: look it up again
                }
            }
        }
        throw new InvalidOperationException($"no usable experiment name for '{name}'");
    }

    /// <summary>The experiment's id and whether it is deleted, or null when no experiment has the name.</summary>
    public async Task<(string Id, bool Deleted)?> GetExperimentByNameAsync(string name, CancellationToken ct)
    {
        try
        {
            var response = await SendAsync(HttpMethod.Get, "experiments/get-by-name?experiment_name=" + Uri.EscapeDataString(name), null, ct);
            var experiment = response!["experiment"]!;
            return (experiment["experiment_id"]!.GetValue<string>(), experiment["lifecycle_stage"]?.GetValue<string>() == "deleted");
        }
        catch (MlflowApiException e) when (e.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
        {
            return null;
        }
    }

    /// <summary>Creates a run; returns its id and artifact URI.</summary>
    public async Task<(string RunId, string? ArtifactUri)> CreateRunAsync(
        string experimentId, string runName, long startTime, IReadOnlyDictionary<string, string> tags, string? userId, CancellationToken ct)
    {
        var body = new JsonObject { ["experiment_id"] = experimentId, ["start_time"] = startTime, ["run_name"] = runName };
        if (userId is not null)
        {
            body["user_id"] = userId;
        }
        if (tags.Count > 0)
        {
            body["tags"] = KeyValues(tags);
        }
        var response = await SendAsync(HttpMethod.Post, "runs/create", body, ct);
        var info = response!["run"]!["info"]!;
        return (info["run_id"]!.GetValue<string>(), info["artifact_uri"]?.GetValue<string>());
    }

    /// <summary>Sets a run's status and end time.</summary>
    public Task UpdateRunAsync(string runId, MlflowRunStatus status, long? endTime, CancellationToken ct)
    {
        var body = new JsonObject { ["run_id"] = runId, ["status"] = status.ToString().ToUpperInvariant() };
        if (endTime is not null)
        {
            body["end_time"] = endTime.Value;
        }
        return SendAsync(HttpMethod.Post, "runs/update", body, ct);
    }

    /// <summary>Sets one tag.</summary>
    public Task SetTagAsync(string runId, string key, string value, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "runs/set-tag", new JsonObject { ["run_id"] = runId, ["key"] = key, ["value"] = value }, ct);

    /// <summary>Logs records, split into requests within the server's limits.</summary>
    public async Task LogBatchAsync(string runId, LogBatch batch, CancellationToken ct)
    {
        foreach (var part in LogBatch.Split(batch.Metrics, batch.Params, batch.Tags))
        {
            var body = new JsonObject { ["run_id"] = runId };
            if (part.Metrics.Count > 0)
            {
                body["metrics"] = new JsonArray([.. part.Metrics.Select(m => (JsonNode)new JsonObject
                {
                    ["key"] = m.Key, ["value"] = EncodeValue(m.Value.Value), ["timestamp"] = m.Value.Timestamp, ["step"] = m.Value.Step,
                })]);
            }
            if (part.Params.Count > 0)
            {
                body["params"] = KeyValues(part.Params);
            }
            if (part.Tags.Count > 0)
            {
                body["tags"] = KeyValues(part.Tags);
            }
            await SendAsync(HttpMethod.Post, "runs/log-batch", body, ct);
        }
    }

    /// <summary>Uploads a file to a run's artifacts through the <c>mlflow-artifacts</c> proxy.</summary>
    public async Task UploadArtifactAsync(string experimentId, string runId, string? artifactUri, string relativePath, string file, CancellationToken ct)
    {
        var root = ArtifactRoot(experimentId, runId, artifactUri);
        var path = string.Join('/', (root + "/" + relativePath).Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));
        var bytes = await File.ReadAllBytesAsync(file, ct);
        await SendRawAsync(() => new HttpRequestMessage(HttpMethod.Put, "api/2.0/mlflow-artifacts/artifacts/" + path)
        {
            Content = new ByteArrayContent(bytes),
        }, ct);
    }

    /// <summary>Every logged value of a metric.</summary>
    public async Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken ct)
    {
        var result = new List<MetricPoint>();
        string? token = null;
        do
        {
            var query = "metrics/get-history?run_id=" + Uri.EscapeDataString(runId) + "&metric_key=" + Uri.EscapeDataString(key)
                + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token));
            var response = await SendAsync(HttpMethod.Get, query, null, ct);
            foreach (var m in response?["metrics"]?.AsArray() ?? [])
            {
                result.Add(new MetricPoint(LongOf(m!["timestamp"]), DecodeValue(m["value"]), LongOf(m["step"])));
            }
            token = response?["next_page_token"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));
        return result;
    }

    /// <summary>Ids of runs in <paramref name="experimentId"/> matching an MLflow filter string.</summary>
    public async Task<IReadOnlyList<string>> SearchRunIdsAsync(string experimentId, string filter, CancellationToken ct)
    {
        var response = await SendAsync(HttpMethod.Post, "runs/search",
            new JsonObject { ["experiment_ids"] = new JsonArray(experimentId), ["filter"] = filter, ["max_results"] = 1000 }, ct);
        return [.. (response?["runs"]?.AsArray() ?? []).Select(r => r!["info"]!["run_id"]!.GetValue<string>())];
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <summary>MLflow's JSON for a double: a number, or the strings NaN, Infinity, -Infinity.</summary>
    public static JsonNode EncodeValue(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => JsonValue.Create(value),
    };

    internal static double DecodeValue(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) ? LocalRunReader.ParseValue(text) : node?.GetValue<double>() ?? 0;

    private static long LongOf(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : node?.GetValue<long>() ?? 0;

    private static JsonArray KeyValues(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new([.. pairs.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value })]);

    private static string ArtifactRoot(string experimentId, string runId, string? artifactUri)
    {
        const string Scheme = "mlflow-artifacts:";
        if (artifactUri is not null && artifactUri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            var rest = artifactUri[Scheme.Length..];
            // mlflow-artifacts://host:port/path names a server; mlflow-artifacts:/path does not.
            return rest.StartsWith("//", StringComparison.Ordinal) ? new Uri("http:" + rest).AbsolutePath.Trim('/') : rest.Trim('/');
        }
        return $"{experimentId}/{runId}/artifacts";
    }

    private Task<JsonNode?> SendAsync(HttpMethod method, string relative, JsonObject? body, CancellationToken ct) =>
        SendRawAsync(() => new HttpRequestMessage(method, "api/2.0/mlflow/" + relative)
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, ct);

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;
}
