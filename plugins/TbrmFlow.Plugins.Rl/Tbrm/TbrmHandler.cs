using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Online;

namespace TbrmFlow.Plugins.Rl.Tbrm;

/// <summary>Runs the online loop with <see cref="TbrmRule"/>.</summary>
public sealed class TbrmHandler(IActivityContextAccessor context) : IRequestHandler<TbrmRequest, OnlineResult>
{
    /// <inheritdoc />
    public ValueTask<OnlineResult> Handle(TbrmRequest request, CancellationToken cancellationToken)
    {
        if (!(request.Beta > 0))
        {
            throw new ArgumentException($"beta must be > 0, got {request.Beta}");
        }
        var options = new TbrmOptions { Beta = request.Beta, RewardScale = request.RewardScale, CalibrateV = request.CalibrateV };
        _ = TbrmVariants.Get(request.Variant);
        return new OnlineLoop(context.Current, request, "rl.tbrm").RunAsync(_ => new TbrmRule(options, request.Variant), cancellationToken);
    }
}
