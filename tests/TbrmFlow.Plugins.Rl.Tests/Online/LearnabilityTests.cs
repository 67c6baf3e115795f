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
        manual_seed(3);
        using var policy = ModelCheckpoint.Load(tiny.Policy.Path);
        using var reference = ModelCheckpoint.Load(tiny.Policy.Path);
        using var start = ModelCheckpoint.Load(tiny.Policy.Path);
        foreach (var p in reference.Model.parameters())
        {
            p.requires_grad = false;
        }
        var problems = PromptSetFiles.Read(tiny.Prompts.Path).Take(16).ToList();
        using var scope = NewDisposeScope();
        var set = RolloutSampler.Sample(policy.Model, policy.Tokenizer, problems, RewardFunctions.Get("exact"),
            new GenerationOptions { NumSamples = 4, MaxNewTokens = 4, Seed = 5 });
        // A reward that is a function of the response (identical responses score the same) and
        // splits the samples: 1 when the first response token has an even id.
        set.Batch.Rewards.copy_(set.Batch.ResponseTokens.select(1, 0).remainder(2).eq(0).to_type(ScalarType.Float32));
        using IUpdateRule rule = algorithm switch
        {
            "tbrm" or "token_brm" => new TbrmRule(new TbrmOptions { Beta = 0.5 }, algorithm),
            "grpo" => new GrpoRule(4, 0.2, 0.001),
            _ => new PpoRule(new OnlineSetup(policy.Model, tiny.Policy.Path, CPU), new PpoSettings()),
        };
        using var optimizer = optim.AdamW(policy.Model.parameters(), 1e-3);
        policy.Model.train();
        var losses = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            using var step = NewDisposeScope();
            var (metrics, _) = PolicyUpdate.Apply(policy.Model, reference.Model, rule, optimizer, set.Batch, 1.0, microBatchSize: 24, gradClip: 1.0);
            losses.Add(MetricReader.Read(metrics)[MetricNames.Loss]);
        }
        Assert.True(losses[^1] < losses[0], $"{algorithm} losses: {string.Join(", ", losses)}");
        var before = start.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in policy.Model.named_parameters())
        {
            Assert.False(parameter.eq(before[name]).all().item<bool>(), $"{algorithm}: parameter {name} did not change");
        }
    }

    [Theory]
    [InlineData("rl.tbrm", "tbrm/delta_mean")]
    [InlineData("rl.grpo", "grpo/adv_std")]
    [InlineData("rl.ppo", "ppo/value_loss")]
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
            Assert.All(CommonMetrics.Append(specific), name => Assert.True(double.IsFinite(metrics[name]), $"{activity}: {name} = {metrics.GetValueOrDefault(name, double.NaN)}"));
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
        MaxNewTokens = 4,
        CheckpointEvery = 0,
        Threads = 1,
    };
}
