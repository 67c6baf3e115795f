using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Answers;
using TbrmFlow.Plugins.Eval.MathEval;
using TbrmFlow.Plugins.Eval.Reports;
using TbrmFlow.Testing;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Generation;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;

namespace TbrmFlow.Plugins.Eval.Tests.MathEval;

/// <summary>eval.math on a real (untrained, seeded) toy model saved as a checkpoint.</summary>
public sealed class EvalMathHandlerTests : IDisposable
{
    private const int MaxNewTokens = 6;
    private readonly RecordingActivityContext _ctx = new();
    private readonly string _checkpoint;
    private readonly List<Problem> _problems;

    public EvalMathHandlerTests()
    {
        var tokenizer = new CharTokenizer("0123456789");
        using var model = ModelFactory.Create(ModelPresets.Create("toy", tokenizer.VocabSize, family: "gpt2", maxPositions: 32), seed: 5);
        _checkpoint = Path.Combine(_ctx.Root, "ckpt");
        ModelCheckpoint.Save(_checkpoint, model, tokenizer, new TrainingState { Step = 0, Producer = "test" });
        _problems = [.. Enumerable.Range(0, 12).Select(i => new Problem { Id = $"p{i}", Question = $"{(i * 7919) + 1013}", Answer = "?" })];
    }

    public void Dispose() => _ctx.Dispose();

    private PromptSet WriteSet(IEnumerable<Problem> problems)
    {
        var dir = Path.Combine(_ctx.Root, "set-" + Guid.NewGuid().ToString("N"));
        PromptSetFiles.Write(dir, problems, "test");
        return new PromptSet(dir);
    }

    private Task<EvalMathResult> Run(PromptSet set, int k, double temperature, int seed = 0, List<AnswerPattern>? patterns = null) =>
        new EvalMathHandler(_ctx).Handle(new EvalMathRequest
        {
            Checkpoint = new Checkpoint(_checkpoint),
            Problems = set,
            K = k,
            Temperature = temperature,
            MaxNewTokens = MaxNewTokens,
            Seed = seed,
            AnswerPatterns = patterns ?? [.. AnswerExtractionOptions.Default.Patterns],
        }, CancellationToken.None).AsTask();

    [Fact]
    public async Task Greedy_WithAnswersForcedToTheModelsOwnOutput_ScoresExactlyTheForcedOnes()
    {
        // Digits-only vocabulary and prompts, so whatever the untrained model prints is a number (or empty at EOS).
        // Greedy outputs of the same model on the same batch, read directly through the generation API.
        string?[] extracted;
        using (var ckpt = ModelCheckpoint.Load(_checkpoint))
        using (var gen = TextGenerator.Generate(ckpt.Model, ckpt.Tokenizer, [.. _problems.Select(p => p.Question)], new GenerationOptions { Greedy = true, MaxNewTokens = MaxNewTokens }))
        {
            extracted = [.. gen.Texts.Select(t => AnswerExtractor.Extract(t))];
        }
        Assert.True(extracted.Count(a => a is not null) >= 4, "the toy model should print digits for most prompts: " + string.Join(" | ", extracted));
        // Even problems get the model's own answer (correct), odd ones a different number (wrong).
        var forced = _problems.Select((p, i) => p with { Answer = i % 2 == 0 ? extracted[i] ?? "none" : (extracted[i] ?? "") + "7" }).ToList();
        var expected = forced.Where((_, i) => i % 2 == 0 && extracted[i] is not null).Count() / 12.0;

        var result = await Run(WriteSet(forced), k: 1, temperature: 0);

        Assert.Equal(expected, result.AvgAtK, 12);
        Assert.Equal(expected, result.PassAtK, 12);
        Assert.Equal(expected, result.MajAtK, 12);
        Assert.InRange(result.ResponseLength, 1, MaxNewTokens);
        var samples = EvalReportFiles.ReadSamples(result.Report.Path);
        Assert.Equal(forced.Select(p => p.Id), samples.Select(s => s.Id));
        Assert.All(samples, s => Assert.Equal(s.Samples[0].Length == MaxNewTokens && s.Samples[0].Truncated, s.Samples[0].Truncated));
        Assert.Equal(samples.Count(s => s.Samples[0].Truncated) / 12.0, result.TruncationRate, 12);
        var metrics = _ctx.Metrics.Single().Metrics;
        Assert.Equal(expected, metrics["eval/avg@1"], 12);
        Assert.Contains("eval/maj@1_ci_high", metrics.Keys);
        Assert.Equal(result.ResponseLength, metrics["eval/response_length"], 12);
    }

    [Fact]
    public async Task Sampling_KFour_ReportStructure_MetricMath_AndSeedReproducibility()
    {
        var set = WriteSet(_problems.Select(p => p with { Answer = "1" }));
        var a = await Run(set, k: 4, temperature: 1.0, seed: 3);
        var b = await Run(set, k: 4, temperature: 1.0, seed: 3);
        Assert.Equal(a.Report.Hash, b.Report.Hash); // same samples, same summary, byte for byte

        var summary = EvalReportFiles.ReadSummary(a.Report.Path);
        var samples = EvalReportFiles.ReadSamples(a.Report.Path);
        Assert.Equal(4, summary.K);
        Assert.Equal(12, summary.Problems);
        Assert.Equal("tokens", summary.LengthUnit);
        Assert.All(samples, s => Assert.Equal(4, s.Samples.Count));
        // Recompute avg@4 from the stored verdicts; check each verdict against the checker.
        Assert.Equal(samples.Average(s => s.Samples.Count(x => x.Correct) / 4.0), a.AvgAtK, 12);
        Assert.All(samples.SelectMany(s => s.Samples), x => Assert.Equal(AnswerEquivalence.AreEqual(AnswerExtractor.Extract(x.Response), "1"), x.Correct));
        Assert.True(a.PassAtK >= a.AvgAtK);
        Assert.True(a.AvgAtKCiLow <= a.AvgAtK && a.AvgAtK <= a.AvgAtKCiHigh);
        Assert.Contains("eval/pass@4_ci_low", _ctx.Metrics[0].Metrics.Keys);
    }

    [Fact]
    public async Task BoxedOnly_CountsUnboxedAnswersAsWrong()
    {
        // Same forced set as above but only \boxed{} answers count: the toy model never writes one.
        string?[] extracted;
        using (var ckpt = ModelCheckpoint.Load(_checkpoint))
        using (var gen = TextGenerator.Generate(ckpt.Model, ckpt.Tokenizer, [.. _problems.Select(p => p.Question)], new GenerationOptions { Greedy = true, MaxNewTokens = MaxNewTokens }))
        {
            extracted = [.. gen.Texts.Select(t => AnswerExtractor.Extract(t))];
        }
        var forced = WriteSet(_problems.Select((p, i) => p with { Answer = extracted[i] ?? "none" }));
        Assert.True((await Run(forced, k: 1, temperature: 0)).AvgAtK > 0);
        var strict = await Run(forced, k: 1, temperature: 0, patterns: [AnswerPattern.Boxed]);
        Assert.Equal(0.0, strict.AvgAtK);
        Assert.All(EvalReportFiles.ReadSamples(strict.Report.Path), s => Assert.Null(s.Samples[0].Answer));
    }

    [Fact]
    public async Task Greedy_WithKAboveOne_IsRejectedWithAReason()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Run(WriteSet(_problems), k: 2, temperature: 0));
        Assert.Contains("temperature 0 means greedy", e.Message, StringComparison.Ordinal);
    }
}
