using Mediator;
using TbrmFlow.Abstractions;

namespace TbrmFlow.Engine.Tests.Activities;

/// <summary>Test-only: returns its input (engine overhead, wiring, matrix and repeat tests).</summary>
[Activity("test.echo", Category = "test", Description = "Returns its value.")]
public sealed record EchoRequest : IActivity<EchoResult>
{
    /// <summary>Any value.</summary>
    public double Value { get; init; }

    /// <summary>A label carried through.</summary>
    public string Label { get; init; } = "";
}

/// <summary>Echo outputs.</summary>
public sealed record EchoResult
{
    /// <summary>The value.</summary>
    public double Value { get; init; }

    /// <summary>The label.</summary>
    public string Label { get; init; } = "";
}

public sealed class EchoHandler : IRequestHandler<EchoRequest, EchoResult>
{
    public ValueTask<EchoResult> Handle(EchoRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new EchoResult { Value = request.Value, Label = request.Label });
}
