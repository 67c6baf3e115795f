using Mediator;
using TbrmFlow.Abstractions;

namespace TbrmFlow.Engine.Tests.Activities;

/// <summary>Test-only fault injection: fails its first <see cref="Times"/> attempts, then succeeds.</summary>
[Activity("test.fail", Category = "test", Description = "Fails N times, then succeeds.", Deterministic = false)]
public sealed record FaultInjectingFailRequest : IActivity<FaultInjectingFailResult>
{
    /// <summary>How many attempts fail.</summary>
    public int Times { get; init; } = 1;
}

/// <summary>Outputs.</summary>
public sealed record FaultInjectingFailResult
{
    /// <summary>The attempt that succeeded.</summary>
    public int Attempt { get; init; }
}

public sealed class FaultInjectingFailHandler(IActivityContextAccessor context) : IRequestHandler<FaultInjectingFailRequest, FaultInjectingFailResult>
{
    public ValueTask<FaultInjectingFailResult> Handle(FaultInjectingFailRequest request, CancellationToken cancellationToken)
    {
        var ctx = context.Current;
        if (ctx.Attempt <= request.Times)
        {
            throw new InvalidOperationException($"injected failure on attempt {ctx.Attempt}");
        }
        return ValueTask.FromResult(new FaultInjectingFailResult { Attempt = ctx.Attempt });
    }
}
