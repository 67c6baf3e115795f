using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>
/// PPO's update (TBRM.md section 5): token rewards (outcome on the last token minus
/// kl_coef * (old - ref)), GAE on the critic's values, whitened advantages, clipped surrogate with an
/// entropy bonus, and the clipped value loss on the critic (its own optimiser and gradient clip).
/// </summary>
public sealed class PpoRule : IUpdateRule
{
    private const string CriticFile = "critic.bin";
    private const string CriticOptimizerFile = "critic_optimizer.bin";
    private readonly PpoSettings _settings;
    private readonly ValueModel _critic;
    private readonly OptimizerHelper _optimizer;

    /// <summary>Builds the critic from the starting policy's checkpoint.</summary>
    public PpoRule(OnlineSetup setup, PpoSettings settings)
    {
        _settings = settings;
        var backbone = ModelCheckpoint.Load(setup.PolicyPath, setup.Device).Model;
        _critic = new ValueModel(backbone, setup.Seed);
        _critic.train();
        _optimizer = optim.AdamW(_critic.parameters(), settings.CriticLearningRate);
    }

    /// <inheritdoc />
    public string Name => "ppo";

    /// <summary>The critic (its own backbone copy and scalar head), trained by this rule's optimiser.</summary>
    public ValueModel Critic => _critic;

    /// <inheritdoc />
    public bool TokenMean => true;

    /// <inheritdoc />
    public bool EntropyGradient => _settings.EntropyCoef != 0;

    /// <inheritdoc />
    public bool UsesOldLogProbs => true;

    /// <inheritdoc />
    public (Dictionary<string, Tensor> Rows, Dictionary<string, Tensor> Metrics) Prepare(TrajectoryBatch batch, Tensor refLogProbs)
    {
        using var noGrad = no_grad();
        var values = _critic.forward(batch);                                                  // [B, T]
        var tokenRewards = Advantages.TokenRewards(batch.Rewards, batch.OldLogProbs, refLogProbs, batch.Mask, _settings.KlCoef); // [B, T]
        var (advantages, returns) = Advantages.Gae(tokenRewards, values, batch.Mask, _settings.Gamma, _settings.Lambda); // [B, T] each
        var whitened = Masked.Whiten(advantages, batch.Mask);                                 // [B, T]
        var rows = new Dictionary<string, Tensor> { ["adv"] = whitened, ["returns"] = returns, ["old_values"] = values };
        var metrics = new Dictionary<string, Tensor> { ["value_mean"] = Masked.TokenMean(values, batch.Mask) };
        return (rows, metrics);
    }

    /// <inheritdoc />
    public LossResult Loss(TrajectoryBatch micro, PolicyOutputs policy, Tensor refLogProbs, IReadOnlyDictionary<string, Tensor> rows)
    {
        var actor = PpoLoss.Actor(policy.LogProbs, micro.OldLogProbs, rows["adv"], policy.Entropy ?? throw new InvalidOperationException("PPO needs the entropy"), micro.Mask, _settings.Clip, _settings.EntropyCoef);
        var values = _critic.forward(micro);                                                  // [B, T]
        var critic = ValueLoss.Clipped(values, rows["old_values"], rows["returns"], micro.Mask, _settings.ValueClip);
        var metrics = new Dictionary<string, Tensor>(actor.Metrics)
        {
            ["value_loss"] = critic.Loss.detach(),
            ["actor_loss"] = actor.Loss.detach(),
        };
        return new LossResult(actor.Loss + critic.Loss, metrics);
    }

    /// <inheritdoc />
    public void ZeroGrad() => _optimizer.zero_grad();

    /// <inheritdoc />
    public void Step()
    {
        if (_settings.GradClip > 0)
        {
            nn.utils.clip_grad_norm_(_critic.parameters(), _settings.GradClip);
        }
        _optimizer.step();
    }

    /// <inheritdoc />
    public void Save(string directory)
    {
        _critic.save(Path.Combine(directory, CriticFile));
        _optimizer.save_state_dict(Path.Combine(directory, CriticOptimizerFile));
    }

    /// <inheritdoc />
    public void Load(string directory)
    {
        _critic.load(Path.Combine(directory, CriticFile));
        _optimizer.load_state_dict(Path.Combine(directory, CriticOptimizerFile));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _critic.Dispose();
    }
}
