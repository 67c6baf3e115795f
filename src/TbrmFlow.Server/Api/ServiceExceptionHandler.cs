using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Api;

/// <summary>Turns the services' typed exceptions into problem-details responses: 400 (with <c>field</c> and <c>allowed</c>), 404, 409, 413/422 (with <c>diagnostics</c>), and ASP.NET Core's bad-request errors.</summary>
/// <param name="problems">Writes problem details.</param>
public sealed class ServiceExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            InvalidInputException e => Problems.BadInput(e),
            NotFoundException e => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = e.Message },
            ConflictException e => new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = e.Message },
            LimitExceededException e => Problems.Limit(e),
            // A body that is not the JSON asked for (also not UTF-8): ASP.NET Core's own 400 (or 413), as problem details in every environment.
            BadHttpRequestException e => new ProblemDetails { Status = e.StatusCode, Title = "Bad request", Detail = e.Message },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
