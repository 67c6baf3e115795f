using System.Diagnostics;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Sft;

/// <summary>The SFT loop: schedule -> batch -> forward -> backward -> clip -> step -> log/checkpoint.</summary>
public sealed class SftHandler(IActivityContextAccessor context) : IRequestHandler<SftRequest, SftResult>
{
    /// <inheritdoc />
    public async ValueTask<SftResult> Handle(SftRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        var ctx = context.Current;
        TorchRuntime.Seed(request.Seed);
        TorchThreads.Apply(request.Threads);
        var device = TorchRuntime.ResolveDevice(request.Device, ctx.Devices);
        var problems = PromptSetFiles.Read(request.Train.Path);
        var (model, tokenizer) = CreatePolicy(request, problems, device);
        using var disposeModel = model;
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), request.LearningRate, weight_decay: request.WeightDecay);
        var cursor = new PromptCursor<Problem>(problems, request.Seed);
        var noise = LabelNoise.Get(request.NoiseRule);
        long start = 0;
        if (ResumeState.FindResumable(ctx.StateDirectory, request.Steps, ctx.Log) is { } saved)
        {
            ResumeState.LoadInto(ctx.StateDirectory, model, optimizer);
            start = saved.Step;
            cursor.Position = saved.DataPosition;
            ctx.Log($"resumed from step {start} (data position {cursor.Position})");
        }
        var loss = double.NaN;
        var clock = Stopwatch.StartNew();
        for (var step = start + 1; step <= request.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var lr = request.LearningRate * LrSchedule.Factor(request.Schedule, step, request.Steps, request.WarmupSteps);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }
            var random = new Random(unchecked((request.Seed * 1_000_003) + (int)step));
            var trajectories = cursor.Next(request.BatchSize)
                .Select(p => Example(p, tokenizer, random.NextDouble() < request.LabelNoise ? noise : null))
                .ToList();
            var batch = TrajectoryBatch.Build(trajectories, tokenizer.PadId, device);
            var scores = PolicyScoring.Score(model, batch, 1.0, EntropyMode.None);
            var ce = -Masked.TokenMean(scores.LogProbs, batch.Mask);                          // scalar
            optimizer.zero_grad();
            ce.backward();
            if (request.GradClip > 0)
            {
                nn.utils.clip_grad_norm_(model.parameters(), request.GradClip);
            }
            optimizer.step();
            if (step % request.LogEvery == 0 || step == request.Steps)
            {
                loss = ce.item<float>(); // the loop's one host read, every log_every steps
                ctx.LogMetrics(step, new Dictionary<string, double>
                {
                    ["train/loss"] = loss,
                    ["train/lr"] = lr,
                    [MetricNames.StepSeconds] = clock.Elapsed.TotalSeconds / request.LogEvery,
                });
                ctx.ReportProgress(step, request.Steps, $"loss {loss:0.000}");
                clock.Restart();
            }
            if (request.CheckpointEvery > 0 && step % request.CheckpointEvery == 0 && step < request.Steps)
            {
                ResumeState.Save(ctx.StateDirectory, model, tokenizer, optimizer,
                    new TrainingState { Step = step, DataPosition = cursor.Position, Producer = "rl.sft" });
            }
        }
        var staging = ctx.Artifacts.CreateStaging();
        var lineage = request.Init is null ? new List<string>() : [request.Init.Hash ?? request.Init.Path];
        ModelCheckpoint.Save(staging, model, tokenizer, new TrainingState
        {
            Step = request.Steps,
            DataPosition = cursor.Position,
            Producer = "rl.sft",
            Lineage = lineage,
        });
        var stored = await ctx.Artifacts.CommitAsync(ArtifactKind.Checkpoint, staging, cancellationToken);
        return new SftResult { Checkpoint = new Checkpoint(stored.Path, stored.Hash), Steps = request.Steps, FinalLoss = loss };
    }

    private static Trajectory Example(Problem problem, ITokenizer tokenizer, Func<string, string, string?>? noise)
    {
        var target = problem.Solution ?? problem.Answer;
        if (noise is not null && noise(problem.Question, problem.Answer) is { } wrong)
        {
            target = wrong;
        }
        int[] response = [.. tokenizer.Encode(target), tokenizer.EosId];
        return new Trajectory(Batching.PromptIds(tokenizer, problem.Question), response, new float[response.Length], 0);
    }

    private static (CausalLM Model, ITokenizer Tokenizer) CreatePolicy(SftRequest request, IReadOnlyList<Problem> problems, Device device)
    {
        if (request.Init is not null)
        {
            var loaded = ModelCheckpoint.Load(request.Init.Path, device);
            return (loaded.Model, loaded.Tokenizer);
        }
        var alphabet = string.Concat(problems.SelectMany(p => p.Question + p.Answer + (p.Solution ?? "")).Concat("0123456789").Distinct().Order());
        var tokenizer = new CharTokenizer(alphabet);
        var model = ModelFactory.Create(ModelPresets.Create(request.Preset, tokenizer.VocabSize, "gpt2", request.MaxPositions), request.Seed, device);
        return (model, tokenizer);
    }

    private static void Validate(SftRequest r)
    {
        if (r.Steps < 1 || r.BatchSize < 1 || r.LogEvery < 1)
        {
            throw new ArgumentException($"steps, batch_size and log_every must be >= 1 (got {r.Steps}, {r.BatchSize}, {r.LogEvery})");
        }
        if (r.LabelNoise is < 0 or > 1)
        {
            throw new ArgumentException($"label_noise must be in [0, 1], got {r.LabelNoise}");
        }
        _ = LrSchedule.Factor(r.Schedule, 1, 1, 0);
        _ = LabelNoise.Get(r.NoiseRule);
        _ = ModelPresets.Create(r.Preset, 16, "gpt2", r.MaxPositions);
    }
}
