using Mediator;
using TbrmFlow.Abstractions;

namespace TbrmFlow.Bench;

/// <summary>Bench-only: does nothing, so a run measures the engine alone.</summary>
[Activity("bench.noop", Category = "bench", Description = "Does nothing (engine overhead benchmark).")]
public sealed record NoOpRequest : IActivity<NoOpResult>
{
    /// <summary>Passed through.</summary>
    public long Value { get; init; }
}

/// <summary>No-op outputs.</summary>
public sealed record NoOpResult
{
    /// <summary>The input value.</summary>
    public long Value { get; init; }
}

/// <summary>Handles <see cref="NoOpRequest"/>.</summary>
public sealed class NoOpHandler : IRequestHandler<NoOpRequest, NoOpResult>
{
    /// <inheritdoc />
    public ValueTask<NoOpResult> Handle(NoOpRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new NoOpResult { Value = request.Value });
}
