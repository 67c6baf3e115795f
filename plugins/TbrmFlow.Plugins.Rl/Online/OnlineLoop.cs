using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Generation;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>
/// The one online loop behind rl.tbrm, rl.grpo and rl.ppo (TBRM.md Algorithm 1). Per iteration:
/// schedule -> prompts -> rollouts (KV cache, no grad) -> rewards -> reference log-probs ->
/// rule.Prepare -> micro-batches (forward, loss, backward) -> clip -> ONE optimiser step ->
/// metrics (one host read) -> eval / checkpoint. Sampling seeds derive from (seed, step) and the
/// data position is saved, so a resumed run continues the same trajectory.
/// </summary>
/// <param name="ctx">The stage's context.</param>
/// <param name="request">The shared options.</param>
/// <param name="activity">The activity name, for lineage and logs.</param>
public sealed partial class OnlineLoop(IActivityContext ctx, OnlineRequest request, string activity)
{
    /// <summary>Runs the loop with the rule <paramref name="createRule"/> builds for the loaded policy.</summary>
    public async ValueTask<OnlineResult> RunAsync(Func<OnlineSetup, IUpdateRule> createRule, CancellationToken cancellationToken)
    {
        Validate();
        TorchRuntime.Seed(request.Seed);
        TorchThreads.Apply(request.Threads);
        var device = TorchRuntime.ResolveDevice(request.Device, ctx.Devices);
        using var policy = ModelCheckpoint.Load(request.Policy.Path, device);
        using var reference = ModelCheckpoint.Load((request.Reference ?? request.Policy).Path, device);
        foreach (var p in reference.Model.parameters())
        {
            p.requires_grad = false; // the reference is frozen
        }
        var model = policy.Model;
        var tokenizer = policy.Tokenizer;
        var reward = RewardFunctions.Get(request.Reward);
        var prompts = PromptSetFiles.Read(request.Prompts.Path);
        var evalProblems = request.EvalPrompts is null ? null : Take(PromptSetFiles.Read(request.EvalPrompts.Path), request.EvalSize);
        using var rule = createRule(new OnlineSetup(model, request.Policy.Path, device, request.Seed));
        using var optimizer = optim.AdamW(model.parameters(), request.LearningRate, weight_decay: request.WeightDecay);
        var cursor = new PromptCursor<Problem>(prompts, request.Seed);
        long start = 0;
        if (ResumeState.FindResumable(ctx.StateDirectory, request.Steps, ctx.Log) is { } saved)
        {
            var dir = ResumeState.LoadInto(ctx.StateDirectory, model, optimizer);
            rule.Load(dir);
            start = saved.Step;
            cursor.Position = saved.DataPosition;
            ctx.Log($"{activity}: resumed from step {start} (data position {cursor.Position})");
        }
        model.train();
        var detector = new CollapseDetector();
        var last = new Dictionary<string, double>();
        for (var step = start + 1; step <= request.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            last = RunStep(step, model, reference.Model, tokenizer, reward, rule, optimizer, cursor);
            if (step % request.LogEvery == 0 || step == request.Steps)
            {
                ctx.LogMetrics(step, last);
                ctx.ReportProgress(step, request.Steps, $"reward {last[MetricNames.RewardMean]:0.000} loss {last[MetricNames.Loss]:0.###}");
                if (detector.Observe(step, last[MetricNames.RewardMean], last[MetricNames.Loss]) is { } warning)
                {
                    ctx.Log("warning: " + warning);
                }
            }
            if (evalProblems is not null && request.EvalEvery > 0 && step % request.EvalEvery == 0 && step < request.Steps)
            {
                Evaluate(step, model, tokenizer, evalProblems, reward);
            }
            if (request.CheckpointEvery > 0 && step % request.CheckpointEvery == 0 && step < request.Steps)
            {
                ResumeState.Save(ctx.StateDirectory, model, tokenizer, optimizer,
                    new TrainingState { Step = step, DataPosition = cursor.Position, Producer = activity }, rule.Save);
            }
        }
        double? evalAccuracy = evalProblems is null ? null : Evaluate(request.Steps, model, tokenizer, evalProblems, reward);
        var staging = ctx.Artifacts.CreateStaging();
        ModelCheckpoint.Save(staging, model, tokenizer, new TrainingState
        {
            Step = request.Steps,
            DataPosition = cursor.Position,
            Producer = activity,
            Lineage = [.. policy.State.Lineage, request.Policy.Hash ?? request.Policy.Path],
        });
        var stored = await ctx.Artifacts.CommitAsync(ArtifactKind.Checkpoint, staging, cancellationToken);
        return new OnlineResult
        {
            Checkpoint = new Checkpoint(stored.Path, stored.Hash),
            Steps = request.Steps,
            FinalRewardMean = last.GetValueOrDefault(MetricNames.RewardMean, double.NaN),
            EvalAvgAt1 = evalAccuracy,
        };
    }

    private double Evaluate(long step, TbrmFlow.Torch.Models.CausalLM model, TbrmFlow.Torch.Tokenization.ITokenizer tokenizer,
        IReadOnlyList<Problem> problems, IRewardFunction reward)
    {
        var accuracy = GreedyEvaluator.Accuracy(model, tokenizer, problems, reward, request.MaxNewTokens);
        ctx.LogMetrics(step, new Dictionary<string, double> { [MetricNames.EvalAvgAt1] = accuracy });
        return accuracy;
    }

    private GenerationOptions Sampling(long step) => new()
    {
        NumSamples = request.RolloutsPerPrompt,
        Temperature = request.Temperature,
        MaxNewTokens = request.MaxNewTokens,
        Seed = StepSeed(request.Seed, step),
    };

    /// <summary>The sampling seed of a step: a pure function of (seed, step), so a resumed run samples the same tokens.</summary>
    public static long StepSeed(int seed, long step) => (seed * 1_000_003L) + step;

    private static List<Problem> Take(IReadOnlyList<Problem> problems, int size) =>
        size > 0 ? [.. problems.Take(size)] : [.. problems];

    private void Validate()
    {
        if (request.Steps < 1 || request.PromptsPerStep < 1 || request.RolloutsPerPrompt < 1 || request.LogEvery < 1)
        {
            throw new ArgumentException(
                $"steps, prompts_per_step, rollouts_per_prompt and log_every must be >= 1 (got {request.Steps}, {request.PromptsPerStep}, {request.RolloutsPerPrompt}, {request.LogEvery})");
        }
        if (request.MicroBatchSize < 0 || request.Temperature <= 0 || request.MaxNewTokens < 1)
        {
            throw new ArgumentException(
                $"micro_batch_size must be >= 0, temperature > 0 and max_new_tokens >= 1 (got {request.MicroBatchSize}, {request.Temperature}, {request.MaxNewTokens})");
        }
        if (request.Epochs < 1)
        {
            throw new ArgumentException($"epochs must be >= 1 (got {request.Epochs})");
        }
        if (request.MiniBatchSize < 0 || request.MiniBatchSize > request.PromptsPerStep
            || (request.MiniBatchSize > 0 && request.PromptsPerStep % request.MiniBatchSize != 0))
        {
            var divisors = Enumerable.Range(1, request.PromptsPerStep).Where(d => request.PromptsPerStep % d == 0);
            throw new ArgumentException(
                $"mini_batch_size must divide prompts_per_step ({request.PromptsPerStep}): allowed values are 0 (the whole batch) or {string.Join(", ", divisors)} (got {request.MiniBatchSize})");
        }
        _ = LrSchedule.Factor(request.Schedule, 1, 1, 0);
        _ = RewardFunctions.Get(request.Reward);
    }
}
