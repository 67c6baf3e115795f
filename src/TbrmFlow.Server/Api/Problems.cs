using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Api;

/// <summary>Problem-details bodies of the API's errors.</summary>
public static class Problems
{
    /// <summary>400 naming the field and, when short, the allowed values.</summary>
    public static ProblemDetails BadInput(InvalidInputException e)
    {
        var problem = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad input", Detail = e.Message };
        problem.Extensions["field"] = e.Field;
        if (e.Allowed is not null)
        {
            problem.Extensions["allowed"] = e.Allowed;
        }
        return problem;
    }

    /// <summary>A 400 result for <paramref name="field"/>.</summary>
    public static ProblemHttpResult BadInput(string field, string message, IReadOnlyList<string>? allowed = null) =>
        TypedResults.Problem(BadInput(new InvalidInputException(field, message, allowed)));

    /// <summary>413 or 422 for a workflow beyond the limits, with its <c>diagnostics</c> (line, column, code, message).</summary>
    public static ProblemDetails Limit(LimitExceededException e)
    {
        var problem = new ProblemDetails
        {
            Status = e.Status,
            Title = e.Status == StatusCodes.Status413PayloadTooLarge ? "Workflow too large" : "Workflow beyond the limits",
            Detail = e.Message,
        };
        problem.Extensions["diagnostics"] = e.Diagnostics;
        return problem;
    }

    /// <summary>A 404 result.</summary>
    public static ProblemHttpResult NotFound(string message) =>
        TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = message });

    /// <summary>Declares the problem-details responses an endpoint gives (400 bad input, 404 not found, 409 conflict, ...) for the OpenAPI document.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            builder.ProducesProblem(status);
        }
        return builder;
    }
}
