using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Plugins.Rl.Online;

namespace TbrmFlow.Plugins.Rl.Grpo;

/// <summary>Runs the online loop with <see cref="GrpoRule"/>.</summary>
public sealed class GrpoHandler(IActivityContextAccessor context) : IRequestHandler<GrpoRequest, OnlineResult>
{
    /// <inheritdoc />
    public ValueTask<OnlineResult> Handle(GrpoRequest request, CancellationToken cancellationToken) =>
        new OnlineLoop(context.Current, request, "rl.grpo")
            .RunAsync(_ => new GrpoRule(request.RolloutsPerPrompt, request.Clip, request.KlCoef), cancellationToken);
}
