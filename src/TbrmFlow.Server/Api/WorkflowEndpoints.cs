using Microsoft.AspNetCore.Http.HttpResults;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Api;

/// <summary><c>/api/workflows</c>: the workflows folder.</summary>
public static class WorkflowEndpoints
{
    /// <summary>Maps list, get, put, delete, copy, rename and validate.</summary>
    public static IEndpointRouteBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workflows").WithTags("Workflows");
        group.MapGet("/", (WorkflowLibrary library) => TypedResults.Ok(library.List()))
            .WithSummary("Lists the workflow files of the workflows folder.");
        group.MapGet("/{name}", Get).Produces<WorkflowDocumentDto>().ProducesProblems(400, 404, 422)
            .WithSummary("One workflow's YAML text.");
        group.MapPut("/{name}", PutAsync).Produces<WorkflowSavedDto>().Produces<WorkflowSavedDto>(StatusCodes.Status201Created).ProducesProblems(400, 413, 422)
            .WithSummary("Creates or replaces a workflow file (atomically); answers with its diagnostics. Files with errors are saved too; a text beyond the limits is refused (413/422).");
        group.MapDelete("/{name}", Delete).Produces(StatusCodes.Status204NoContent).ProducesProblems(400, 404)
            .WithSummary("Deletes a workflow file.");
        group.MapPost("/{name}/copy", CopyAsync).Produces<WorkflowSavedDto>(StatusCodes.Status201Created).ProducesProblems(400, 404, 409)
            .WithSummary("Copies a workflow file (and its designer layout) to a new name; 409 when that name exists.");
        group.MapPost("/{name}/rename", Rename).Produces<WorkflowSavedDto>().ProducesProblems(400, 404, 409)
            .WithSummary("Renames a workflow file (and its designer layout); 409 when the new name exists. A name: equal to the old file name follows the new one.");
        group.MapPost("/validate", Validate).Produces<IReadOnlyList<DiagnosticDto>>().ProducesProblems(400, 413, 422)
            .WithSummary("The diagnostics tbrmflow validate reports for a YAML text (line, column, code, message); 413/422 with them for a text beyond the limits.");
        return app;
    }

    private static IResult Get(string name, WorkflowLibrary library)
    {
        var yaml = library.Read(name);
        return yaml is null
            ? Problems.NotFound($"no workflow '{name}' in {library.Directory}")
            : TypedResults.Ok(new WorkflowDocumentDto(name, yaml, library.List().FirstOrDefault(w => w.Name == name)?.Modified));
    }

    private static async Task<IResult> PutAsync(string name, WorkflowBody body, WorkflowLibrary library, CancellationToken ct)
    {
        WorkflowLibrary.CheckName(name);
        if (body.Yaml is null)
        {
            return Problems.BadInput("yaml", "the body needs the workflow text in 'yaml'", ["{\"yaml\": \"name: ...\"}"]);
        }
        // A text beyond the limits is refused (413/422) before anything is written; one with ordinary errors is saved.
        var diagnostics = library.Validate(body.Yaml, name);
        WorkflowLibrary.RejectBeyondLimits(body.Yaml, diagnostics);
        var existed = File.Exists(library.FileOf(name));
        await library.WriteAsync(name, body.Yaml, ct);
        var saved = new WorkflowSavedDto(name, diagnostics);
        return existed ? TypedResults.Ok(saved) : TypedResults.Created($"/api/workflows/{name}", saved);
    }

    private static IResult Delete(string name, WorkflowLibrary library) =>
        library.Delete(name) ? TypedResults.NoContent() : Problems.NotFound($"no workflow '{name}' in {library.Directory}");

    private static async Task<IResult> CopyAsync(string name, TargetNameBody body, WorkflowLibrary library, CancellationToken ct)
    {
        WorkflowLibrary.CheckName(name);
        WorkflowLibrary.CheckName(body.To, "to");
        await library.CopyAsync(name, body.To!, ct);
        return TypedResults.Created($"/api/workflows/{body.To}", new WorkflowSavedDto(body.To!, library.Validate(library.Read(body.To!)!, body.To!)));
    }

    private static Ok<WorkflowSavedDto> Rename(string name, TargetNameBody body, WorkflowLibrary library)
    {
        WorkflowLibrary.CheckName(name);
        WorkflowLibrary.CheckName(body.To, "to");
        library.Rename(name, body.To!);
        return TypedResults.Ok(new WorkflowSavedDto(body.To!, library.Validate(library.Read(body.To!)!, body.To!)));
    }

    private static IResult Validate(ValidateBody body, WorkflowLibrary library)
    {
        if (body.Yaml is null)
        {
            return Problems.BadInput("yaml", "the body needs the workflow text in 'yaml'", ["{\"yaml\": \"name: ...\", \"name\": \"optional\"}"]);
        }
        if (body.Name is not null)
        {
            WorkflowLibrary.CheckName(body.Name);
        }
        var diagnostics = library.Validate(body.Yaml, body.Name ?? "");
        WorkflowLibrary.RejectBeyondLimits(body.Yaml, diagnostics);
        return TypedResults.Ok(diagnostics);
    }
}
