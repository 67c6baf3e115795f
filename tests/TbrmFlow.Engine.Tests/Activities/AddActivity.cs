using Mediator;
using TbrmFlow.Abstractions;

namespace TbrmFlow.Engine.Tests.Activities;

/// <summary>Test-only: adds two numbers and counts its executions in a file.</summary>
[Activity("test.add", Category = "test", Description = "a + b")]
public sealed record AddRequest : IActivity<AddResult>
{
    /// <summary>Left.</summary>
    public required double A { get; init; }

    /// <summary>Right.</summary>
    public double B { get; init; }

    /// <summary>When set, a file whose line count is the number of executions.</summary>
    public string? CounterFile { get; init; }
}

/// <summary>Sum.</summary>
public sealed record AddResult
{
    /// <summary>a + b.</summary>
    public double Sum { get; init; }
}

public sealed class AddHandler : IRequestHandler<AddRequest, AddResult>
{
    public async ValueTask<AddResult> Handle(AddRequest request, CancellationToken cancellationToken)
    {
        if (request.CounterFile is { } file)
        {
            await File.AppendAllTextAsync(file, "run\n", cancellationToken);
        }
        return new AddResult { Sum = request.A + request.B };
    }
}
