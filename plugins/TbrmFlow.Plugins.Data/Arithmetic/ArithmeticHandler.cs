using System.Text.Json.Nodes;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Arithmetic;

/// <summary>Generates the problems: distinct operand pairs, split so no pair is in both sets.</summary>
public sealed class ArithmeticHandler(IActivityContextAccessor context) : IRequestHandler<ArithmeticRequest, ArithmeticResult>
{
    /// <inheritdoc />
    public async ValueTask<ArithmeticResult> Handle(ArithmeticRequest request, CancellationToken cancellationToken)
    {
        if (request.Digits is < 1 or > 9)
        {
            throw new ArgumentException($"digits must be in 1..9, got {request.Digits}");
        }
        var ctx = context.Current;
        var low = request.Digits == 1 ? 0 : (long)Math.Pow(10, request.Digits - 1);
        var high = (long)Math.Pow(10, request.Digits);
        var total = request.TrainSize + request.TestSize;
        if ((double)(high - low) * (high - low) < total)
        {
            throw new ArgumentException($"only {(high - low) * (high - low)} distinct problems with {request.Digits} digits; asked for {total}");
        }
        var random = new Random(request.Seed);
        var seen = new HashSet<(long, long)>();
        var problems = new List<Problem>(total);
        while (problems.Count < total)
        {
            var a = random.NextInt64(low, high);
            var b = random.NextInt64(low, high);
            if (seen.Add((a, b)))
            {
                problems.Add(new Problem
                {
                    Id = $"add-{problems.Count}",
                    Question = $"{a}+{b}=",
                    Answer = (a + b).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Source = "data.arithmetic",
                    Meta = new JsonObject { ["a"] = a, ["b"] = b },
                });
            }
        }
        var train = await Commit(ctx, problems.Take(request.TrainSize), $"data.arithmetic digits={request.Digits} seed={request.Seed} split=train", cancellationToken);
        var test = await Commit(ctx, problems.Skip(request.TrainSize), $"data.arithmetic digits={request.Digits} seed={request.Seed} split=test", cancellationToken);
        ctx.LogMetrics(0, new Dictionary<string, double> { ["data/train_size"] = request.TrainSize, ["data/test_size"] = request.TestSize });
        return new ArithmeticResult { Train = train, Test = test };
    }

    private static async Task<PromptSet> Commit(IActivityContext ctx, IEnumerable<Problem> problems, string origin, CancellationToken ct)
    {
        var staging = ctx.Artifacts.CreateStaging();
        PromptSetFiles.Write(staging, problems, origin);
        var stored = await ctx.Artifacts.CommitAsync(ArtifactKind.PromptSet, staging, ct);
        return new PromptSet(stored.Path, stored.Hash);
    }
}
