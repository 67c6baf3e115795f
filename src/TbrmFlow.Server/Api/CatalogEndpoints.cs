using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Schema;

namespace TbrmFlow.Server.Api;

/// <summary><c>/api/activities</c> and <c>/api/schema</c>: what the language offers.</summary>
public static class CatalogEndpoints
{
    /// <summary>Maps the activity descriptors and the workflow JSON Schema.</summary>
    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/activities", (ActivityCatalog catalog) => catalog.All.Select(d => new
        {
            type = d.Type,
            version = d.Version,
            category = d.Category,
            description = d.Description,
            inputs = d.Inputs.Select(i => new { name = i.Name, type = i.ClrType.Name, required = i.Required, @default = i.Default, description = i.Description }),
            outputs = d.Outputs.Select(o => new { name = o.Name, type = o.ClrType.Name, description = o.Description }),
        })).WithTags("Catalog").WithSummary("The activity descriptors: inputs with types, defaults and descriptions; outputs.");
        app.MapGet("/api/schema", (ActivityCatalog catalog) => Results.Content(Schema(catalog), "application/schema+json"))
            .WithTags("Catalog").WithSummary("The workflow language's JSON Schema (draft 2020-12), as 'tbrmflow schema' prints it.");
        return app;
    }

    private static string Schema(ActivityCatalog catalog) => WorkflowSchema.Generate(catalog).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}
