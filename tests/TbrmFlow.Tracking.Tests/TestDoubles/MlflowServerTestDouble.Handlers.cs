using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TbrmFlow.Tracking.Tests.TestDoubles;

public sealed partial class MlflowServerTestDouble
{
    private const string Api = "/api/2.0/mlflow/";
    private const string ArtifactsApi = "/api/2.0/mlflow-artifacts/artifacts/";

    private (int, JsonNode?) Handle(HttpListenerRequest request, string path, string input, byte[] bytes)
    {
        if (request.HttpMethod == "PUT" && path.StartsWith(ArtifactsApi, StringComparison.Ordinal))
        {
            ArtifactFiles[Uri.UnescapeDataString(path[ArtifactsApi.Length..])] = bytes;
            return (200, new JsonObject());
        }
        if (!path.StartsWith(Api, StringComparison.Ordinal))
        {
            throw new ApiError(404, "ENDPOINT_NOT_FOUND", path);
        }
        var endpoint = path[Api.Length..];
        if (request.HttpMethod == "POST" && request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            throw new ApiError(400, "BAD_REQUEST", "Content-Type must be application/json");
        }
        var body = request.HttpMethod == "POST" ? JsonNode.Parse(input)!.AsObject() : [];
        return endpoint switch
        {
            "experiments/get-by-name" => GetExperimentByName(request.QueryString["experiment_name"]!),
            "experiments/create" => CreateExperiment(body),
            "runs/create" => CreateRun(body),
            "runs/update" => UpdateRun(body),
            "runs/log-batch" => LogBatch(body),
            "runs/set-tag" => SetTag(body),
            "runs/search" => Search(body),
            "runs/get" => GetRun(request.QueryString["run_id"]!),
            "metrics/get-history" => History(request.QueryString["run_id"]!, request.QueryString["metric_key"]!),
            _ => throw new ApiError(404, "ENDPOINT_NOT_FOUND", endpoint),
        };
    }

    private (int, JsonNode?) GetExperimentByName(string name)
    {
        var experiment = Experiments.Values.FirstOrDefault(e => e.Name == name)
            ?? throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", $"Could not find experiment with name '{name}'");
        return (200, new JsonObject
        {
            ["experiment"] = new JsonObject
            {
                ["experiment_id"] = experiment.Id,
                ["name"] = experiment.Name,
                ["lifecycle_stage"] = experiment.Deleted ? "deleted" : "active",
            },
        });
    }

    private (int, JsonNode?) CreateExperiment(JsonObject body)
    {
        var name = body["name"]!.GetValue<string>();
        if (Experiments.Values.Any(e => e.Name == name))
        {
            // Deleted experiments keep their name.
            throw new ApiError(400, "RESOURCE_ALREADY_EXISTS", $"Experiment '{name}' already exists.");
        }
        var id = (_nextExperiment++).ToString(CultureInfo.InvariantCulture);
        Experiments[id] = new ExperimentRecord(id, name);
        return (200, new JsonObject { ["experiment_id"] = id });
    }

    private (int, JsonNode?) CreateRun(JsonObject body)
    {
        var experimentId = body["experiment_id"]?.GetValue<string>() ?? "0";
        if (!Experiments.TryGetValue(experimentId, out var experiment) || experiment.Deleted)
        {
            throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", $"No experiment {experimentId}");
        }
        // Strict on purpose: MLflow accepts a missing start_time, but TbrmFlow must always send it.
        var start = body["start_time"]?.GetValue<long>() ?? throw new ApiError(400, "INVALID_PARAMETER_VALUE", "start_time missing");
        var run = new RunRecord
        {
            RunId = Guid.NewGuid().ToString("n"),
            ExperimentId = experimentId,
            RunName = body["run_name"]?.GetValue<string>() ?? "",
            StartTime = start,
        };
        foreach (var tag in body["tags"]?.AsArray() ?? [])
        {
            run.Tags[tag!["key"]!.GetValue<string>()] = tag["value"]!.GetValue<string>();
        }
        Runs[run.RunId] = run;
        return (200, new JsonObject
        {
            ["run"] = new JsonObject
            {
                ["info"] = new JsonObject
                {
                    ["run_id"] = run.RunId,
                    ["experiment_id"] = experimentId,
                    ["status"] = "RUNNING",
                    ["start_time"] = start,
                    ["artifact_uri"] = $"mlflow-artifacts:/{experimentId}/{run.RunId}/artifacts",
                    ["lifecycle_stage"] = "active",
                },
            },
        });
    }

    private (int, JsonNode?) UpdateRun(JsonObject body)
    {
        var run = RunOf(body);
        run.Status = body["status"]!.GetValue<string>();
        run.EndTime = body["end_time"]?.GetValue<long>();
        return (200, new JsonObject { ["run_info"] = new JsonObject { ["run_id"] = run.RunId, ["status"] = run.Status } });
    }

    private (int, JsonNode?) LogBatch(JsonObject body)
    {
        var run = RunOf(body);
        var metrics = body["metrics"]?.AsArray() ?? [];
        var parameters = body["params"]?.AsArray() ?? [];
        var tags = body["tags"]?.AsArray() ?? [];
        if (metrics.Count > 1000 || parameters.Count > 100 || tags.Count > 100 || metrics.Count + parameters.Count + tags.Count > 1000)
        {
            throw new ApiError(400, "INVALID_PARAMETER_VALUE", "A batch logging request can contain at most 1000 metrics, 100 params, 100 tags and 1000 items");
        }
        var keys = parameters.Select(p => p!["key"]!.GetValue<string>()).ToList();
        if (keys.Distinct().Count() != keys.Count)
        {
            throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Duplicate parameter keys have been submitted");
        }
        foreach (var p in parameters)
        {
            var (key, value) = (p!["key"]!.GetValue<string>(), p["value"]!.GetValue<string>());
            if (run.Params.TryGetValue(key, out var old) && old != value)
            {
                throw new ApiError(400, "INVALID_PARAMETER_VALUE", $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{old}'");
            }
        }
        foreach (var m in metrics)
        {
            if (m!["timestamp"] is null)
            {
                throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'metrics[0].timestamp'");
            }
        }
        foreach (var p in parameters)
        {
            run.Params[p!["key"]!.GetValue<string>()] = p["value"]!.GetValue<string>();
        }
        foreach (var m in metrics)
        {
            var value = m!["value"] is JsonValue v && v.TryGetValue<string>(out var text)
                ? text switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, _ => throw new ApiError(400, "INVALID_PARAMETER_VALUE", "bad value " + text) }
                : m["value"]!.GetValue<double>();
            run.Metrics.Add((m["key"]!.GetValue<string>(), value, m["timestamp"]!.GetValue<long>(), m["step"]?.GetValue<long>() ?? 0));
        }
        foreach (var t in tags)
        {
            run.Tags[t!["key"]!.GetValue<string>()] = t["value"]!.GetValue<string>();
        }
        return (200, new JsonObject());
    }

    private (int, JsonNode?) SetTag(JsonObject body)
    {
        RunOf(body).Tags[body["key"]!.GetValue<string>()] = body["value"]!.GetValue<string>();
        return (200, new JsonObject());
    }

    private (int, JsonNode?) Search(JsonObject body)
    {
        var ids = body["experiment_ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToHashSet();
        var match = TagFilter().Match(body["filter"]?.GetValue<string>() ?? "");
        var runs = Runs.Values.Where(r => ids.Contains(r.ExperimentId)
            && (!match.Success || r.Tags.GetValueOrDefault(match.Groups[1].Value) == match.Groups[2].Value)).ToList();
        // Empty lists are omitted: a search without hits is {}.
        return runs.Count == 0 ? (200, new JsonObject()) : (200, new JsonObject
        {
            ["runs"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject { ["info"] = new JsonObject { ["run_id"] = r.RunId } })]),
        });
    }

    private (int, JsonNode?) GetRun(string runId)
    {
        var run = Runs.GetValueOrDefault(runId) ?? throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", $"Run '{runId}' not found");
        var data = new JsonObject();
        // The latest value per key, as MLflow returns them; empty lists are omitted.
        var latest = run.Metrics.GroupBy(m => m.Key).Select(g => g.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Last()).ToList();
        if (latest.Count > 0)
        {
            data["metrics"] = new JsonArray([.. latest.Select(m => (JsonNode)new JsonObject { ["key"] = m.Key, ["value"] = m.Value, ["timestamp"] = m.Timestamp, ["step"] = m.Step })]);
        }
        if (run.Params.Count > 0)
        {
            data["params"] = new JsonArray([.. run.Params.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value })]);
        }
        if (run.Tags.Count > 0)
        {
            data["tags"] = new JsonArray([.. run.Tags.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value })]);
        }
        return (200, new JsonObject
        {
            ["run"] = new JsonObject
            {
                ["info"] = new JsonObject
                {
                    ["run_id"] = run.RunId,
                    ["run_name"] = run.RunName,
                    ["experiment_id"] = run.ExperimentId,
                    ["status"] = run.Status,
                    ["start_time"] = run.StartTime,
                    ["lifecycle_stage"] = "active",
                },
                ["data"] = data,
            },
        });
    }

    private (int, JsonNode?) History(string runId, string key)
    {
        var run = Runs.GetValueOrDefault(runId) ?? throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", $"Run '{runId}' not found");
        var points = run.Metrics.Where(m => m.Key == key).ToList();
        return points.Count == 0 ? (200, new JsonObject()) : (200, new JsonObject
        {
            ["metrics"] = new JsonArray([.. points.Select(m => (JsonNode)new JsonObject
            {
                ["key"] = key, ["value"] = double.IsFinite(m.Value) ? m.Value : double.IsNaN(m.Value) ? "NaN" : m.Value > 0 ? "Infinity" : "-Infinity",
                ["timestamp"] = m.Timestamp, ["step"] = m.Step,
            })]),
        });
    }

    private RunRecord RunOf(JsonObject body)
    {
        var id = body["run_id"]?.GetValue<string>() ?? throw new ApiError(400, "INVALID_PARAMETER_VALUE", "run_id missing");
        return Runs.GetValueOrDefault(id) ?? throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", $"Run '{id}' not found");
    }

    [GeneratedRegex(@"^tags\.`?([^`=\s]+)`?\s*=\s*'([^']*)'$")]
    private static partial Regex TagFilter();
}
