using System.Text.Json.Nodes;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Schema;

namespace TbrmFlow.Server.Api;

/// <summary><c>/api/activities</c> and <c>/api/schema</c>: what the language offers.</summary>
public static class CatalogEndpoints
{
    /// <summary>Maps the activity descriptors and the workflow JSON Schema.</summary>
    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/activities", (ActivityCatalog catalog) => TypedResults.Ok<IReadOnlyList<ActivityInfo>>([.. catalog.All.Select(ActivityInfo.From)]))
            .WithTags("Catalog").WithSummary("The activity descriptors, as 'tbrmflow activities --json' prints them: inputs with the language's type names (int, float, string, bool, enum, list, object, PromptSet, Checkpoint, ...), defaults and descriptions; outputs.");
        app.MapGet("/api/schema", (ActivityCatalog catalog) => Results.Content(Schema(catalog), "application/schema+json"))
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/schema+json")
            .WithTags("Catalog").WithSummary("The workflow language's JSON Schema (draft 2020-12), as 'tbrmflow schema' prints it.");
        return app;
    }

    private static string Schema(ActivityCatalog catalog) => WorkflowSchema.Generate(catalog).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}
