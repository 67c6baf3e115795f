using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Plugins.Rl.Grpo;
using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Online;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Ppo;
using TbrmFlow.Plugins.Rl.Tbrm;
using TbrmFlow.Plugins.Rl.Tests.Support;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Generation;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Tests.Online;

[Collection(TinyPolicyGroup.Name)]
public sealed class LearnabilityTests(TinyPolicy tiny)
{
    private static readonly string[] CommonMetrics =
    [
        MetricNames.RewardMean, MetricNames.Accuracy, MetricNames.Loss, MetricNames.Kl, MetricNames.Entropy, MetricNames.ResponseLength,
        MetricNames.GradNorm, MetricNames.ClipFrac, MetricNames.TokensPerSecond, MetricNames.StepSeconds, MetricNames.PeakRssMb,
    ];

    [Fact]
    public void Sft_LossFalls()
    {
        Assert.True(tiny.SftLosses[^1] < 0.7 * tiny.SftLosses[0], $"SFT losses: {string.Join(", ", tiny.SftLosses)}");
    }

    [Theory]
    [InlineData("tbrm")]
    [InlineData("token_brm")]
    [InlineData("grpo")]
    [InlineData("ppo")]
    public void Rule_OnAFixedBatch_LossFalls_AndEveryPolicyParameterChanges(string algorithm)
    {
        using var policy = ModelCheckpoint.Load(tiny.Policy.Path);
        using var reference = SplitRewardBatch.FrozenReference(tiny);
        using var start = ModelCheckpoint.Load(tiny.Policy.Path);
        using var scope = NewDisposeScope();
        var set = SplitRewardBatch.Sample(tiny, policy);
        using var rule = SplitRewardBatch.Rule(algorithm, tiny, policy);
        // PPO's critic (backbone copy + scalar head) is trainable too: every one of its parameters must move as well.
        var criticStart = rule is PpoRule critic
            ? critic.Critic.named_parameters().Select(p => (p.name, p.parameter.detach().clone())).ToList()
            : [];
        Assert.True(rule is not PpoRule || criticStart.Count == policy.Model.parameters().Count() + 2, "the critic should have its own backbone and a head");
        using var optimizer = optim.AdamW(policy.Model.parameters(), 1e-3);
        policy.Model.train();
        // Six epochs over the one batch: the old log-probs are the sampling policy's, fixed for all six updates.
        var updates = new List<Dictionary<string, Tensor>>();
        _ = PolicyUpdate.Apply(policy.Model, reference.Model, rule, optimizer, set.Batch, 1.0, microBatchSize: 24, gradClip: 1.0,
            new UpdatePlan(0, 6), updates);
        var losses = updates.Select(u => MetricReader.Read(u)[MetricNames.Loss]).ToList();
        Assert.Equal(6, losses.Count);
        Assert.True(losses[^1] < losses[0], $"{algorithm} losses: {string.Join(", ", losses)}");
        var before = start.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in policy.Model.named_parameters())
        {
            Assert.False(parameter.eq(before[name]).all().item<bool>(), $"{algorithm}: parameter {name} did not change");
        }
        foreach (var (name, initial) in criticStart)
        {
            var now = ((PpoRule)rule).Critic.named_parameters().Single(p => p.name == name).parameter;
            Assert.False(now.eq(initial).all().item<bool>(), $"ppo critic: parameter {name} did not change");
        }
    }

    [Fact]
    public void PpoCriticHead_DependsOnlyOnTheSeed_NotOnTheGlobalGenerator()
    {
        using var policy = ModelCheckpoint.Load(tiny.Policy.Path);
        using var scope = NewDisposeScope();
        using var first = new PpoRule(new OnlineSetup(policy.Model, tiny.Policy.Path, CPU, Seed: 7), new PpoSettings());
        _ = rand(1000); // another stage in the same process drawing from libtorch's global generator
        using var again = new PpoRule(new OnlineSetup(policy.Model, tiny.Policy.Path, CPU, Seed: 7), new PpoSettings());
        using var other = new PpoRule(new OnlineSetup(policy.Model, tiny.Policy.Path, CPU, Seed: 8), new PpoSettings());
        var a = first.Critic.parameters().ToList();
        var b = again.Critic.parameters().ToList();
        var c = other.Critic.parameters().ToList();
        Assert.All(a.Zip(b), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
        Assert.Contains(a.Zip(c), pair => !pair.First.eq(pair.Second).all().item<bool>());
    }

    [Theory]
    [InlineData("tbrm")]
    [InlineData("token_brm")]
    [InlineData("grpo")]
    [InlineData("ppo")]
    public void MicroBatchedStep_AccumulatesTheWholeBatchGradient(string algorithm)
    {
        var problems = PromptSetFiles.Read(tiny.Prompts.Path).Take(12).ToList();
        using var reference = SplitRewardBatch.FrozenReference(tiny);
        using var scope = NewDisposeScope();
        var set = RolloutSampler.Sample(reference.Model, reference.Tokenizer, problems, RewardFunctions.Get("exact"),
            new GenerationOptions { NumSamples = 4, MaxNewTokens = 4, Seed = 11 });
        // Unequal response lengths make token-mean and row-mean weights differ: the case a wrong weight would get wrong.
        Assert.True(set.Lengths.Distinct().Count() > 1, "the sampled responses should differ in length");
        var whole = Gradients(algorithm, set.Batch, microBatchSize: 0);
        var micro = Gradients(algorithm, set.Batch, microBatchSize: 5);
        Assert.Equal(whole.Keys.Order(), micro.Keys.Order());
        foreach (var (name, expected) in whole)
        {
            var scale = Math.Max(1e-3, expected.Max(Math.Abs));
            var gap = expected.Zip(micro[name], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(gap <= 1e-4 * scale, $"{algorithm}: gradient of {name} differs by {gap} (scale {scale}) with micro-batches of 5");
        }
    }

    /// <summary>Policy (and critic) gradients after one PolicyUpdate step without clipping, by parameter name.</summary>
    private Dictionary<string, float[]> Gradients(string algorithm, TrajectoryBatch batch, long microBatchSize)
    {
        using var policy = ModelCheckpoint.Load(tiny.Policy.Path);
        using var reference = ModelCheckpoint.Load(tiny.Policy.Path);
        using IUpdateRule rule = algorithm switch
        {
            "tbrm" or "token_brm" => new TbrmRule(new TbrmOptions { Beta = 0.5 }, algorithm),
            "grpo" => new GrpoRule(4, 0.2, 0.001),
            _ => new PpoRule(new OnlineSetup(policy.Model, tiny.Policy.Path, CPU), new PpoSettings { GradClip = 0 }),
        };
        using var optimizer = optim.SGD(policy.Model.parameters(), 0.0);
        policy.Model.train();
        _ = PolicyUpdate.Apply(policy.Model, reference.Model, rule, optimizer, batch, 1.0, microBatchSize, gradClip: 0);
        var parameters = policy.Model.named_parameters().Select(p => ("policy." + p.name, p.parameter));
        if (rule is PpoRule ppo)
        {
            parameters = parameters.Concat(ppo.Critic.named_parameters().Select(p => ("critic." + p.name, p.parameter)));
        }
        return parameters.ToDictionary(p => p.Item1, p => p.Item2.grad!.detach().cpu().data<float>().ToArray());
    }

    [Theory]
    [InlineData("rl.tbrm", "tbrm/delta_mean,tbrm/delta_std,tbrm/v_s1,tbrm/log_ratio")]
    [InlineData("rl.grpo", "grpo/adv_std,grpo/ratio_mean")]
    [InlineData("rl.ppo", "ppo/value_loss,ppo/actor_loss,ppo/value_mean")]
    public async Task OnlineActivity_LogsTheSameMetricNamesEveryStep(string activity, string specific)
    {
        var context = new RecordingContext(tiny.NewDirectory());
        var result = await context.Run(accessor => activity switch
        {
            "rl.tbrm" => new TbrmHandler(accessor).Handle(Configure(new TbrmRequest { Policy = tiny.Policy, Prompts = tiny.Prompts }), CancellationToken.None),
            "rl.grpo" => new GrpoHandler(accessor).Handle(Configure(new GrpoRequest { Policy = tiny.Policy, Prompts = tiny.Prompts }), CancellationToken.None),
            _ => new PpoHandler(accessor).Handle(Configure(new PpoRequest { Policy = tiny.Policy, Prompts = tiny.Prompts }), CancellationToken.None),
        });
        Assert.Equal(2, result.Steps);
        var steps = context.Metrics.Where(m => m.Metrics.ContainsKey(MetricNames.Loss)).ToList();
        Assert.Equal([1L, 2L], steps.Select(s => s.Step));
        foreach (var (_, metrics) in steps)
        {
            Assert.All(CommonMetrics.Concat(specific.Split(',')), name => Assert.True(double.IsFinite(metrics[name]), $"{activity}: {name} = {metrics.GetValueOrDefault(name, double.NaN)}"));
        }
        var eval = Assert.Single(context.Metrics, m => m.Metrics.ContainsKey(MetricNames.EvalAvgAt1));
        Assert.InRange(eval.Metrics[MetricNames.EvalAvgAt1], 0, 1);
        Assert.True(File.Exists(Path.Combine(result.Checkpoint.Path, "model.safetensors")));
    }

    private T Configure<T>(T request) where T : OnlineRequest => request with
    {
        EvalPrompts = tiny.Prompts,
        EvalSize = 20,
        Steps = 2,
        PromptsPerStep = 8,
        MiniBatchSize = 4, // two updates per step (GRPO/PPO's default of 16 prompts does not divide 8)
        MaxNewTokens = 4,
        CheckpointEvery = 0,
        Threads = 1,
    };
}
