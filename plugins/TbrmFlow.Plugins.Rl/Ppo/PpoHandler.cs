using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Plugins.Rl.Online;

namespace TbrmFlow.Plugins.Rl.Ppo;

/// <summary>Runs the online loop with <see cref="PpoRule"/>.</summary>
public sealed class PpoHandler(IActivityContextAccessor context) : IRequestHandler<PpoRequest, OnlineResult>
{
    /// <inheritdoc />
    public ValueTask<OnlineResult> Handle(PpoRequest request, CancellationToken cancellationToken)
    {
        var settings = new PpoSettings
        {
            Clip = request.Clip,
            KlCoef = request.KlCoef,
            EntropyCoef = request.EntropyCoef,
            ValueClip = request.ValueClip,
            CriticLearningRate = request.CriticLearningRate,
            Gamma = request.Gamma,
            Lambda = request.Lambda,
            GradClip = request.GradClip,
        };
        return new OnlineLoop(context.Current, request, "rl.ppo").RunAsync(setup => new PpoRule(setup, settings), cancellationToken);
    }
}
