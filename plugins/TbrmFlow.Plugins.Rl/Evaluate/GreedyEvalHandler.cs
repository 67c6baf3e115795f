using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;

namespace TbrmFlow.Plugins.Rl.Evaluate;

/// <summary>Loads the checkpoint and decodes greedily in batches.</summary>
public sealed class GreedyEvalHandler(IActivityContextAccessor context) : IRequestHandler<GreedyEvalRequest, GreedyEvalResult>
{
    /// <inheritdoc />
    public ValueTask<GreedyEvalResult> Handle(GreedyEvalRequest request, CancellationToken cancellationToken)
    {
        var ctx = context.Current;
        var reward = RewardFunctions.Get(request.Reward);
        TorchThreads.Apply(request.Threads);
        var problems = PromptSetFiles.Read(request.Problems.Path);
        if (request.Limit > 0)
        {
            problems = [.. problems.Take(request.Limit)];
        }
        using var checkpoint = ModelCheckpoint.Load(request.Checkpoint.Path, TorchRuntime.ResolveDevice(request.Device, ctx.Devices));
        var results = GreedyEvaluator.Run(checkpoint.Model, checkpoint.Tokenizer, problems, reward, request.MaxNewTokens);
        var correct = results.Count(r => r.Correct);
        var accuracy = results.Count == 0 ? double.NaN : correct / (double)results.Count;
        ctx.LogMetrics(0, new Dictionary<string, double> { [MetricNames.EvalAvgAt1] = accuracy });
        return ValueTask.FromResult(new GreedyEvalResult { AvgAt1 = accuracy, Correct = correct, Total = results.Count });
    }
}
