using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Arithmetic;

/// <summary>
/// Draws distinct problems (by canonical text) from one seeded stream and gives the first
/// <c>train_size</c> to train and the rest to test, so the sets are disjoint by construction.
/// </summary>
public sealed class ArithmeticHandler(IActivityContextAccessor context) : IRequestHandler<ArithmeticRequest, ArithmeticResult>
{
    /// <inheritdoc />
    public async ValueTask<ArithmeticResult> Handle(ArithmeticRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ctx = context.Current;
        var problems = Generate(request);
        var origin = string.Create(CultureInfo.InvariantCulture,
            $"data.arithmetic digits={request.Digits} operations={request.Operations} operators={request.Operators} chain_of_thought={request.ChainOfThought} step_noise={request.StepNoise} style={request.Style} seed={request.Seed}");
        var train = await PromptSetFiles.CommitAsync(ctx.Artifacts, problems.Take(request.TrainSize), origin + " split=train", cancellationToken);
        var test = await PromptSetFiles.CommitAsync(ctx.Artifacts, problems.Skip(request.TrainSize), origin + " split=test", cancellationToken);
        ctx.LogMetrics(0, new Dictionary<string, double> { ["data/train_size"] = request.TrainSize, ["data/test_size"] = request.TestSize });
        return new ArithmeticResult { Train = train, Test = test };
    }

    /// <summary>All problems, train first; deterministic in the request.</summary>
    /// <exception cref="ArgumentException">For an out-of-range setting (named, with its allowed values) or more problems than exist.</exception>
    public static IReadOnlyList<Problem> Generate(ArithmeticRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var low = request.Digits == 1 ? 0 : (long)Math.Pow(10, request.Digits - 1);
        var high = (long)Math.Pow(10, request.Digits);
        var operators = request.Operators.Distinct().ToArray();
        var total = request.TrainSize + request.TestSize;
        var distinct = BigInteger.Pow(high - low, request.Operations + 1) * BigInteger.Pow(operators.Length, request.Operations);
        if (distinct < total)
        {
            throw new ArgumentException($"only {distinct} distinct problems with digits={request.Digits}, operations={request.Operations}, operators={request.Operators}; asked for train_size + test_size = {total}");
        }
        var random = new Random(request.Seed);
        var noise = new Random(unchecked((request.Seed * 7919) + 17));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<Problem>(total);
        var prefix = request.Operators == "+" && request.Operations == 1 ? "add" : "arith";
        while (problems.Count < total)
        {
            var operands = new long[request.Operations + 1];
            var ops = new char[request.Operations];
            operands[0] = random.NextInt64(low, high);
            for (var i = 0; i < ops.Length; i++)
            {
                // One operator draws nothing, so the default a+b stream is the same as before operators existed.
                ops[i] = operators.Length == 1 ? operators[0] : operators[random.Next(operators.Length)];
                operands[i + 1] = random.NextInt64(low, high);
            }
            var expression = new ArithmeticExpression(operands, ops);
            if (!seen.Add(expression.Canonical))
            {
                continue;
            }
            var (value, steps) = expression.Evaluate();
            if (request.ChainOfThought && request.StepNoise > 0 && problems.Count < request.TrainSize)
            {
                // Its own stream: the noise never changes which problems are drawn.
                (_, steps) = expression.Evaluate(() => noise.NextDouble() < request.StepNoise);
            }
            var answer = value.ToString(CultureInfo.InvariantCulture);
            problems.Add(new Problem
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{problems.Count}"),
                Question = expression.Question(request.Style),
                Answer = answer,
                Solution = request.ChainOfThought ? string.Join(' ', steps) : null,
                Source = "data.arithmetic",
                Meta = new JsonObject
                {
                    // a and b (the first two operands) are read by demo.fit_sum in workflows/hello.yaml.
                    ["a"] = operands[0],
                    ["b"] = operands[1],
                    ["operands"] = new JsonArray([.. operands.Select(o => (JsonNode)o)]),
                    ["operators"] = new string(ops),
                    ["digits"] = request.Digits,
                },
            });
        }
        return problems;
    }

    private static void Validate(ArithmeticRequest r)
    {
        if (r.Digits is < 1 or > 9)
        {
            throw new ArgumentException($"digits must be in 1..9, got {r.Digits}");
        }
        if (r.Operations is < 1 or > 8)
        {
            throw new ArgumentException($"operations must be in 1..8, got {r.Operations}");
        }
        if (r.Operators.Length == 0 || r.Operators.Any(c => c is not ('+' or '-' or '*')))
        {
            throw new ArgumentException($"operators must be made of '+', '-', '*' (e.g. \"+-*\"), got \"{r.Operators}\"");
        }
        if (r.StepNoise is < 0 or > 1 || double.IsNaN(r.StepNoise))
        {
            throw new ArgumentException($"step_noise must be in [0, 1], got {r.StepNoise}");
        }
        if (r.StepNoise > 0 && !r.ChainOfThought)
        {
            throw new ArgumentException("step_noise needs chain_of_thought: true (it writes mistakes into the worked steps)");
        }
        if (r.TrainSize < 0 || r.TestSize < 0)
        {
            throw new ArgumentException($"train_size and test_size must be >= 0, got {r.TrainSize} and {r.TestSize}");
        }
    }
}
