using System.Diagnostics;
using Mediator;
using TbrmFlow.Abstractions;

namespace TbrmFlow.Engine.Pipeline;

/// <summary>Measures every activity and reports <c>perf/activity_s</c> through its context.</summary>
/// <typeparam name="TMessage">The activity request.</typeparam>
/// <typeparam name="TResponse">Its result.</typeparam>
public sealed class TimingBehavior<TMessage, TResponse>(IActivityContextAccessor context) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    /// <inheritdoc />
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var response = await next(message, cancellationToken);
        context.Current.LogMetrics(0, new Dictionary<string, double> { ["perf/activity_s"] = clock.Elapsed.TotalSeconds });
        return response;
    }
}
