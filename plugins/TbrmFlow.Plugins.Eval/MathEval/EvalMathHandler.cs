using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Answers;
using TbrmFlow.Plugins.Eval.Metrics;
using TbrmFlow.Plugins.Eval.Reports;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Generation;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Eval.MathEval;

/// <summary>Loads the checkpoint, generates batch by batch, scores, summarises and stores the report.</summary>
public sealed class EvalMathHandler(IActivityContextAccessor context) : IRequestHandler<EvalMathRequest, EvalMathResult>
{
    /// <inheritdoc />
    public async ValueTask<EvalMathResult> Handle(EvalMathRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var ctx = context.Current;
        var extraction = new AnswerExtractionOptions { Patterns = request.AnswerPatterns };
        IRewardFunction checker = request.Checker == "exact" ? new ExactReward(extraction) : new MathReward(extraction);
        var scorer = new EvalScorer(checker, extraction);
        var problems = PromptSetFiles.Read(request.Problems.Path);
        if (request.Limit > 0)
        {
            problems = [.. problems.Take(request.Limit)];
        }
        if (problems.Count == 0)
        {
            throw new ArgumentException($"problems: the PromptSet at {request.Problems.Path} is empty");
        }
        var greedy = request.Temperature == 0;
        using var checkpoint = ModelCheckpoint.Load(request.Checkpoint.Path, TorchRuntime.ResolveDevice(request.Device, ctx.Devices));
        var scored = new List<ProblemSamples>(problems.Count);
        for (var start = 0; start < problems.Count; start += request.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = problems.Skip(start).Take(request.BatchSize).ToList();
            var options = new GenerationOptions
            {
                NumSamples = request.K,
                MaxNewTokens = request.MaxNewTokens,
                Greedy = greedy,
                Temperature = greedy ? 1.0 : request.Temperature,
                TopP = request.TopP,
                // One seed per batch: results do not depend on how many batches ran before a resume.
                Seed = request.Seed + (1_000_003L * start),
            };
            using (var scope = NewDisposeScope())
            using (var generated = TextGenerator.Generate(checkpoint.Model, checkpoint.Tokenizer, [.. batch.Select(p => p.Question)], options))
            {
                for (var p = 0; p < batch.Count; p++)
                {
                    var samples = new List<ScoredSample>(request.K);
                    for (var row = p * request.K; row < (p + 1) * request.K; row++)
                    {
                        samples.Add(scorer.Score(batch[p], generated.Texts[row], generated.Lengths[row], generated.FinishReasons[row] == FinishReason.Length));
                    }
                    scored.Add(new ProblemSamples(batch[p].Id, batch[p].Answer, samples));
                }
            }
            ctx.ReportProgress(scored.Count, problems.Count, "problems evaluated");
        }

        var summary = EvalMetrics.Summarize(scored, request.K, "tokens", request.Seed);
        var staging = ctx.Artifacts.CreateStaging();
        EvalReportFiles.Write(staging, summary, scored);
        var stored = await ctx.Artifacts.CommitAsync(ArtifactKind.EvalReport, staging, cancellationToken);
        ctx.LogMetrics(0, summary.ToMetrics());
        return new EvalMathResult
        {
            Report = new EvalReport(stored.Path, stored.Hash),
            AvgAtK = summary.AvgAtK.Value,
            AvgAtKCiLow = summary.AvgAtK.CiLow,
            AvgAtKCiHigh = summary.AvgAtK.CiHigh,
            PassAtK = summary.PassAtK.Value,
            MajAtK = summary.MajAtK.Value,
            ResponseLength = summary.MeanResponseLength,
            TruncationRate = summary.TruncationRate,
        };
    }

    private static void Validate(EvalMathRequest r)
    {
        if (r.K < 1)
        {
            throw new ArgumentException($"k must be >= 1, got {r.K}");
        }
        if (r.Temperature < 0)
        {
            throw new ArgumentException($"temperature must be >= 0 (0 = greedy), got {r.Temperature}");
        }
        if (r.Temperature == 0 && r.K > 1)
        {
            throw new ArgumentException($"temperature 0 means greedy decoding, which gives k identical samples; use k = 1 or a temperature > 0 (got k = {r.K})");
        }
        if (r.BatchSize < 1)
        {
            throw new ArgumentException($"batch_size must be >= 1, got {r.BatchSize}");
        }
        if (r.AnswerPatterns.Count == 0)
        {
            throw new ArgumentException("answer_patterns must name at least one of: boxed, hash, answer_is, last_number");
        }
        if (r.Checker is not ("math" or "exact"))
        {
            throw new ArgumentException($"checker must be one of: math, exact (got '{r.Checker}')");
        }
    }
}
