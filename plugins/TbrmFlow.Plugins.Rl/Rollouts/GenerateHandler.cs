using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Generation;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Rollouts;

/// <summary>Generates in batches and writes one <see cref="RolloutRecord"/> per response.</summary>
public sealed class GenerateHandler(IActivityContextAccessor context) : IRequestHandler<GenerateRequest, GenerateResult>
{
    /// <inheritdoc />
    public async ValueTask<GenerateResult> Handle(GenerateRequest request, CancellationToken cancellationToken)
    {
        if (request.RolloutsPerPrompt < 1 || request.BatchSize < 1 || request.NumPrompts < 0 || request.Offset < 0)
        {
            throw new ArgumentException("rollouts_per_prompt and batch_size must be >= 1, num_prompts and offset >= 0");
        }
        var ctx = context.Current;
        TorchThreads.Apply(request.Threads);
        TorchRuntime.Seed(request.Seed);
        var reward = RewardFunctions.Get(request.Reward);
        var problems = PromptSetFiles.Read(request.Prompts.Path);
        var cursor = new PromptCursor<Problem>(problems, request.Seed) { Position = request.Offset };
        var chosen = cursor.Next(request.NumPrompts > 0 ? request.NumPrompts : problems.Count);
        using var checkpoint = ModelCheckpoint.Load(request.Checkpoint.Path, TorchRuntime.ResolveDevice(request.Device, ctx.Devices));
        var checkpointId = request.Checkpoint.Hash ?? request.Checkpoint.Path;
        var records = new List<RolloutRecord>();
        for (var start = 0; start < chosen.Count; start += request.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var chunk = chosen.Skip(start).Take(request.BatchSize).ToList();
            var seed = OnlineSeed(request.Seed, request.Offset + start);
            var options = new GenerationOptions
            {
                NumSamples = request.RolloutsPerPrompt,
                Temperature = request.Temperature,
                MaxNewTokens = request.MaxNewTokens,
                Seed = seed,
            };
            var set = RolloutSampler.Sample(checkpoint.Model, checkpoint.Tokenizer, chunk, reward, options);
            records.AddRange(Records(set, checkpointId, options));
            ctx.ReportProgress(Math.Min(start + request.BatchSize, chosen.Count), chosen.Count);
        }
        var staging = ctx.Artifacts.CreateStaging();
        RolloutFiles.Write(staging, records, $"rollout.generate checkpoint={checkpointId} reward={request.Reward} seed={request.Seed} offset={request.Offset}");
        var stored = await ctx.Artifacts.CommitAsync(ArtifactKind.RolloutBatch, staging, cancellationToken);
        var mean = records.Count == 0 ? double.NaN : records.Average(r => r.Reward);
        ctx.LogMetrics(0, new Dictionary<string, double> { ["rollout/reward_mean"] = mean, ["rollout/count"] = records.Count });
        return new GenerateResult { Rollouts = new RolloutBatch(stored.Path, stored.Hash), Count = records.Count, RewardMean = mean };
    }

    private static long OnlineSeed(int seed, long position) => (seed * 1_000_003L) + position;

    private static IEnumerable<RolloutRecord> Records(RolloutSet set, string checkpointId, GenerationOptions options)
    {
        var prompts = set.Batch.Tokens.narrow(1, 0, set.Batch.PromptLength).cpu().data<long>().ToArray();
        var attention = set.Batch.Attention.narrow(1, 0, set.Batch.PromptLength).cpu().data<long>().ToArray();
        var responses = set.Batch.ResponseTokens.cpu().data<long>().ToArray();
        var logProbs = set.Batch.OldLogProbs.cpu().data<float>().ToArray();
        var p = set.Batch.PromptLength;
        var t = (int)set.Batch.ResponseLength;
        for (var i = 0; i < set.Texts.Length; i++)
        {
            var length = set.Lengths[i];
            yield return new RolloutRecord
            {
                PromptId = set.Problems[i].Id,
                PromptTokens = [.. Enumerable.Range(0, p).Where(j => attention[(i * p) + j] == 1).Select(j => (int)prompts[(i * p) + j])],
                ResponseTokens = [.. responses.Skip(i * t).Take(length).Select(x => (int)x)],
                LogProbs = [.. logProbs.Skip(i * t).Take(length)],
                Reward = set.Rewards[i],
                FinishReason = set.FinishReasons[i] == FinishReason.Eos ? "eos" : "length",
                CheckpointId = checkpointId,
                Sampling = new SamplingSettings
                {
                    Temperature = options.Temperature,
                    MaxNewTokens = options.MaxNewTokens,
                    Seed = options.Seed ?? 0,
                    SampleIndex = i % options.NumSamples,
                },
                ResponseText = set.Texts[i],
                Answer = set.Problems[i].Answer,
            };
        }
    }
}
