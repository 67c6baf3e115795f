using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Api;

/// <summary><c>/api/runs</c>: start, list, inspect, cancel and resume runs; logs, metric history and artifacts.</summary>
public static partial class RunEndpoints
{
    /// <summary>The form of a run id.</summary>
    public const string RunIdPattern = "^[A-Za-z0-9._-]{1,100}$";

    /// <summary>Maps the run endpoints.</summary>
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/runs").WithTags("Runs");
        group.MapPost("/", StartAsync).ProducesProblems(400, 404)
            .WithSummary("Starts a workflow of the workflows folder in the background; answers 201 with the run id once the run is recorded.");
        group.MapGet("/", List).ProducesProblems(400).WithSummary("The newest runs first (CLI and server runs alike).");
        group.MapGet("/{id}", Get).ProducesProblems(400, 404).WithSummary("A run with its stage instances, statuses, attempts, outputs, last metrics and live progress.");
        group.MapPost("/{id}/cancel", Cancel).ProducesProblems(400, 404, 409)
            .WithSummary("Asks a run this server is running to stop, or cancels a cluster run (its running stages stop on their workers within seconds).");
        group.MapPost("/{id}/resume", ResumeAsync).ProducesProblems(400, 404, 409).WithSummary("Continues a failed, cancelled or killed run; finished stages are kept.");
        group.MapGet("/{id}/stages/{instance}/logs", Logs).ProducesProblems(400, 404)
            .WithSummary("The log of one stage instance: state changes, progress every tenth of the way, and what the activity logged, each line with its UTC time.");
        group.MapGet("/{id}/metrics", Metrics).ProducesProblems(400, 404).WithSummary("Metric history (step, key, value), optionally of one stage instance and one key.");
        group.MapGet("/{id}/artifacts", Artifacts).ProducesProblems(400, 404)
            .WithSummary("The run's artifact files: its stages' artifact outputs (stages/INSTANCE/OUTPUT/...) and its MLflow runs' artifacts (mlflow/...).");
        group.MapGet("/{id}/artifacts/download", Download).ProducesProblems(400, 404)
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream", "image/png", "application/json", "application/x-ndjson", "text/plain")
            .WithSummary("One artifact file, by a path that GET /api/runs/{id}/artifacts lists (nothing else is served).");
        return app;
    }

    private static async Task<Results<Created<RunStartedDto>, ProblemHttpResult>> StartAsync(StartRunBody body, RunService runs, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(body.Workflow))
        {
            return Problems.BadInput("workflow", "the body needs the workflow name in 'workflow'", ["{\"workflow\": \"hello\", \"params\": {\"seed\": \"2\"}}"]);
        }
        var parameters = (body.Params ?? []).ToDictionary(
            p => p.Key, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
        var id = await runs.StartAsync(body.Workflow, parameters, ct);
        return TypedResults.Created($"/api/runs/{id}", new RunStartedDto(id));
    }

    private static Results<Ok<IReadOnlyList<RunSummaryDto>>, ProblemHttpResult> List(RunService runs, int? limit)
    {
        if (limit is < 1 or > 10_000)
        {
            return Problems.BadInput("limit", $"limit must be between 1 and 10000, got {limit}", ["1..10000"]);
        }
        return TypedResults.Ok(runs.List(limit ?? 50));
    }

    private static Results<Ok<RunDetailDto>, ProblemHttpResult> Get(string id, RunService runs)
    {
        CheckId(id);
        return runs.Get(id) is { } run ? TypedResults.Ok(run) : Problems.NotFound($"no run '{id}' in {runs.StorePath}");
    }

    private static Results<Accepted<RunStartedDto>, ProblemHttpResult> Cancel(string id, RunService runs)
    {
        CheckId(id);
        if (runs.Cancel(id))
        {
            return TypedResults.Accepted($"/api/runs/{id}", new RunStartedDto(id));
        }
        if (runs.Get(id) is null)
        {
            return Problems.NotFound($"no run '{id}' in {runs.StorePath}");
        }
        throw new ConflictException($"run '{id}' is not running in this server");
    }

    private static async Task<Accepted<RunStartedDto>> ResumeAsync(string id, RunService runs, CancellationToken ct)
    {
        CheckId(id);
        var resumed = await runs.ResumeAsync(id, ct);
        return TypedResults.Accepted($"/api/runs/{resumed}", new RunStartedDto(resumed));
    }

    private static Ok<StageLogsDto> Logs(string id, string instance, RunService runs)
    {
        CheckId(id);
        return TypedResults.Ok(new StageLogsDto(id, instance, runs.Logs(id, instance)));
    }

    private static Ok<IReadOnlyList<MetricPointDto>> Metrics(string id, string? instance, string? key, RunService runs)
    {
        CheckId(id);
        return TypedResults.Ok(runs.Metrics(id, string.IsNullOrEmpty(instance) ? null : instance, string.IsNullOrEmpty(key) ? null : key));
    }

    private static Ok<IReadOnlyList<ArtifactFileDto>> Artifacts(string id, RunService runs)
    {
        CheckId(id);
        return TypedResults.Ok(runs.Artifacts(id));
    }

    private static PhysicalFileHttpResult Download(string id, string path, RunService runs)
    {
        CheckId(id);
        var (file, fullPath) = runs.ArtifactFile(id, path);
        return TypedResults.PhysicalFile(fullPath, ArtifactPreview.ContentType(fullPath), fileDownloadName: System.IO.Path.GetFileName(file.Path));
    }

    private static void CheckId(string id)
    {
        if (!RunIdRegex().IsMatch(id))
        {
            throw new InvalidInputException("id", $"'{id}' is not a run id (letters, digits, '.', '_', '-')", [RunIdPattern]);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,100}\z")]
    private static partial Regex RunIdRegex();
}
