using Microsoft.OpenApi;

namespace TbrmFlow.Server.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: the API token as a bearer security scheme that every
/// <c>/api</c> operation lists (Scalar's "Test request" then sends it), and the 401 problem every
/// operation can answer. Response types and the other status codes come from each endpoint's typed
/// results and <see cref="Problems.ProducesProblems"/>.
/// </summary>
public static class OpenApiSetup
{
    /// <summary>The security scheme's name in the document.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>Registers the document with its transformer.</summary>
    public static IServiceCollection AddTbrmFlowOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        }));

    private static void Describe(OpenApiDocument document)
    {
        document.Info.Title = "TbrmFlow API";
        document.Info.Description = "Workflows, activities and runs of a TbrmFlow server. Send the API token the server prints at start as "
            + "'Authorization: Bearer TOKEN'. On a loopback address only requests that change something need it; on any other address every request does. "
            + "Errors are problem details (application/problem+json); a 400 names the input at fault in 'field'.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The server's API token (config 'token', env TBRMFLOW_TOKEN, else printed at start).",
        };
        foreach (var (path, item) in document.Paths)
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal) || item.Operations is null)
            {
                continue;
            }
            foreach (var operation in item.Operations.Values)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse
                {
                    Description = "The token is missing or wrong (problem details).",
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) } },
                });
            }
        }
    }
}
