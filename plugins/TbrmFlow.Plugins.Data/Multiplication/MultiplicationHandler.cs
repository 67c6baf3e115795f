using System.Globalization;
using System.Text.Json.Nodes;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Multiplication;

/// <summary>
/// Draws distinct (a, b) pairs from one seeded stream, the first <c>train_size</c> for train and the rest for test;
/// a second seeded stream decides which training partial products carry a mistake, so the problems do not depend
/// on <c>step_noise</c>.
/// </summary>
public sealed class MultiplicationHandler(IActivityContextAccessor context) : IRequestHandler<MultiplicationRequest, MultiplicationResult>
{
    /// <inheritdoc />
    public async ValueTask<MultiplicationResult> Handle(MultiplicationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ctx = context.Current;
        var problems = Generate(request);
        var origin = string.Create(CultureInfo.InvariantCulture,
            $"data.multiplication digits_a={request.DigitsA} digits_b={request.DigitsB} step_noise={request.StepNoise} seed={request.Seed}");
        var train = await PromptSetFiles.CommitAsync(ctx.Artifacts, problems.Take(request.TrainSize), origin + " split=train", cancellationToken);
        var test = await PromptSetFiles.CommitAsync(ctx.Artifacts, problems.Skip(request.TrainSize), origin + " split=test", cancellationToken);
        var lengths = problems.Select(p => p.Solution!.Length).ToArray();
        var noisy = problems.Take(request.TrainSize).Count(p => p.Meta?["noisy"]?.GetValue<bool>() == true);
        ctx.LogMetrics(0, new Dictionary<string, double>
        {
            ["data/train_size"] = request.TrainSize,
            ["data/test_size"] = request.TestSize,
            ["data/solution_chars_mean"] = lengths.Average(),
            ["data/solution_chars_max"] = lengths.Max(),
            ["data/train_wrong_solutions"] = request.TrainSize == 0 ? 0 : noisy / (double)request.TrainSize,
        });
        return new MultiplicationResult { Train = train, Test = test };
    }

    /// <summary>All problems, train first; deterministic in the request.</summary>
    /// <exception cref="ArgumentException">For an out-of-range setting (named, with its allowed values) or more problems than exist.</exception>
    public static IReadOnlyList<Problem> Generate(MultiplicationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var (lowA, highA) = Range(request.DigitsA);
        var (lowB, highB) = Range(request.DigitsB);
        var total = request.TrainSize + request.TestSize;
        if ((double)(highA - lowA) * (highB - lowB) < total)
        {
            throw new ArgumentException($"only {(highA - lowA) * (highB - lowB)} distinct problems with digits_a={request.DigitsA}, digits_b={request.DigitsB}; asked for train_size + test_size = {total}");
        }
        var random = new Random(request.Seed);
        var noise = new Random(unchecked((request.Seed * 7919) + 17));
        var seen = new HashSet<(long, long)>();
        var problems = new List<Problem>(total);
        while (problems.Count < total)
        {
            var a = random.NextInt64(lowA, highA);
            var b = random.NextInt64(lowB, highB);
            if (!seen.Add((a, b)))
            {
                continue;
            }
            var train = problems.Count < request.TrainSize;
            var (solution, result) = Scratchpad.Write(a, b, _ => train && request.StepNoise > 0 && noise.NextDouble() < request.StepNoise);
            problems.Add(new Problem
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"mul-{problems.Count}"),
                Question = string.Create(CultureInfo.InvariantCulture, $"{a}*{b}="),
                Answer = (a * b).ToString(CultureInfo.InvariantCulture),
                Solution = solution,
                Source = "data.multiplication",
                Meta = new JsonObject
                {
                    ["a"] = a,
                    ["b"] = b,
                    ["noisy"] = result != a * b,
                },
            });
        }
        return problems;
    }

    private static (long Low, long High) Range(int digits) => (digits == 1 ? 0 : (long)Math.Pow(10, digits - 1), (long)Math.Pow(10, digits));

    private static void Validate(MultiplicationRequest r)
    {
        if (r.DigitsA is < 1 or > 6)
        {
            throw new ArgumentException($"digits_a must be in 1..6, got {r.DigitsA}");
        }
        if (r.DigitsB is < 1 or > 4)
        {
            throw new ArgumentException($"digits_b must be in 1..4, got {r.DigitsB}");
        }
        if (r.StepNoise is < 0 or > 1 || double.IsNaN(r.StepNoise))
        {
            throw new ArgumentException($"step_noise must be in [0, 1], got {r.StepNoise}");
        }
        if (r.TrainSize < 0 || r.TestSize < 0)
        {
            throw new ArgumentException($"train_size and test_size must be >= 0, got {r.TrainSize} and {r.TestSize}");
        }
    }
}
