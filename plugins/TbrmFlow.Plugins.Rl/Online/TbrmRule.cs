using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>TBRM's update: the squared trajectory residual (or the token_brm ablation); nothing to prepare.</summary>
/// <param name="options">beta, reward_scale, calibrate_v.</param>
/// <param name="variant">A name from <see cref="TbrmVariants"/>.</param>
public sealed class TbrmRule(TbrmOptions options, string variant) : IUpdateRule
{
    private readonly Func<TbrmBatch, TbrmOptions, LossResult> _loss = TbrmVariants.Get(variant);

    /// <inheritdoc />
    public string Name => "tbrm";

    /// <inheritdoc />
    public bool NeedsReferenceVs1 => options.CalibrateV;

    /// <inheritdoc />
    public (Dictionary<string, Tensor> Rows, Dictionary<string, Tensor> Metrics) Prepare(TrajectoryBatch batch, Tensor refLogProbs) => ([], []);

    /// <inheritdoc />
    public LossResult Loss(TrajectoryBatch micro, PolicyOutputs policy, Tensor refLogProbs, IReadOnlyDictionary<string, Tensor> rows) =>
        _loss(new TbrmBatch(policy.LogProbs, policy.Lse, refLogProbs, micro.Mask, micro.Rewards, rows.GetValueOrDefault("ref_vs1")), options);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
