using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Torch;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Demo;

/// <summary>Least squares by Adam on the problems' operands (scaled to [0, 1)).</summary>
public sealed class FitSumHandler(IActivityContextAccessor context) : IRequestHandler<FitSumRequest, FitSumResult>
{
    /// <inheritdoc />
    public ValueTask<FitSumResult> Handle(FitSumRequest request, CancellationToken cancellationToken)
    {
        var ctx = context.Current;
        var problems = PromptSetFiles.Read(request.Problems.Path);
        if (problems.Count == 0)
        {
            throw new InvalidDataException($"{request.Problems.Path}: the prompt set is empty");
        }
        var operands = problems.Select(p => (a: (double)p.Meta!["a"]!, b: (double)p.Meta!["b"]!)).ToList();
        var scale = operands.Max(o => Math.Max(o.a, o.b)) + 1;
        TorchRuntime.Seed(request.Seed);

        using var scope = NewDisposeScope();
        var x = tensor(operands.SelectMany(o => new[] { (float)(o.a / scale), (float)(o.b / scale) }).ToArray()).reshape(problems.Count, 2); // [N, 2]
        var y = x.sum(1, keepdim: true);                                                                                                     // [N, 1]
        var layer = nn.Linear(2, 1);
        var optimizer = optim.Adam(layer.parameters(), request.LearningRate);
        var loss = 0.0;
        for (var step = 1; step <= request.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var mse = nn.functional.mse_loss(layer.forward(x), y);
            mse.backward();
            optimizer.step();
            if (step % 50 == 0 || step == request.Steps)
            {
                loss = mse.item<float>(); // read once per 50 steps, for the metric and the result
                ctx.LogMetrics(step, new Dictionary<string, double> { ["train/loss"] = loss });
                ctx.ReportProgress(step, request.Steps);
            }
        }
        var w = layer.weight!.data<float>().ToArray();
        var bias = layer.bias!.data<float>()[0] * scale;
        return ValueTask.FromResult(new FitSumResult { WeightA = w[0], WeightB = w[1], Bias = bias, FinalLoss = loss });
    }
}
