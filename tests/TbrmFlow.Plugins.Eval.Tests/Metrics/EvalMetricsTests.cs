using TbrmFlow.Plugins.Eval.Metrics;

namespace TbrmFlow.Plugins.Eval.Tests.Metrics;

public sealed class EvalMetricsTests
{
    private static ScoredSample S(string? answer, bool correct, int length = 10, bool truncated = false) =>
        new() { Response = answer ?? "?", Answer = answer, Correct = correct, Length = length, Truncated = truncated };

    [Fact]
    public void MajorityVote_Tie_GoesToEarliestGroup()
    {
        // "3" and "4" both appear twice; "3" appeared first, so it wins whichever is correct.
        Assert.Equal(0, MajorityVote.Winner([S("3", false), S("4", true), S("4", true), S("3", false)]));
        Assert.Equal(1, MajorityVote.Winner([S(null, false), S("4", true), S("3", false), S("3", false), S("4", true)]));
    }

    [Fact]
    public void MajorityVote_GroupsEquivalentAnswers()
    {
        // 0.5, 1/2 and \frac{1}{2} are one group of three against two "2"s.
        Assert.Equal(1, MajorityVote.Winner([S("2", false), S("0.5", true), S("1/2", true), S("2", false), S("\\frac{1}{2}", true)]));
    }

    [Fact]
    public void MajorityVote_NoAnswers_NoWinner() =>
        Assert.Equal(-1, MajorityVote.Winner([S(null, false), S("", false)]));

    [Fact]
    public void Summarize_HandComputedValues()
    {
        // p1: 2 of 4 correct, majority 7 (correct); p2: 0 of 4; p3: 4 of 4. k = 2 uses the first two samples.
        var problems = new List<ProblemSamples>
        {
            new("p1", "7", [S("7", true, 4), S("8", false, 6), S("7", true, 4, true), S("9", false, 6)]),
            new("p2", "1", [S("2", false), S("3", false), S("2", false), S(null, false, 20, true)]),
            new("p3", "5", [S("5", true), S("5", true), S("5", true), S("5", true)]),
        };
        var summary = EvalMetrics.Summarize(problems, k: 2, "characters", seed: 3);
        // avg@2: p1 first two = 1/2, p2 = 0, p3 = 1.
        Assert.Equal((0.5 + 0 + 1) / 3, summary.AvgAtK.Value, 12);
        // pass@2 with n = 4: p1 c = 2: 1 - C(2,2)/C(4,2) = 5/6; p2 0; p3 1.
        Assert.Equal((5 / 6.0 + 0 + 1) / 3, summary.PassAtK.Value, 12);
        // maj@2: p1 first two "7","8" tie -> "7" (first) correct; p2 wrong; p3 right.
        Assert.Equal(2 / 3.0, summary.MajAtK.Value, 12);
        Assert.Equal((4 + 6 + 4 + 6 + 10 + 10 + 10 + 20 + (4 * 10)) / 12.0, summary.MeanResponseLength, 12);
        Assert.Equal(2 / 12.0, summary.TruncationRate, 12);
        Assert.True(summary.AvgAtK.CiLow <= summary.AvgAtK.Value && summary.AvgAtK.Value <= summary.AvgAtK.CiHigh);
        Assert.Equal(6, summary.ToMetrics().Count(kv => kv.Key.StartsWith("eval/pass@2", StringComparison.Ordinal) || kv.Key.StartsWith("eval/avg@2", StringComparison.Ordinal)));
        Assert.Equal(summary.MajAtK.CiHigh, summary.ToMetrics()["eval/maj@2_ci_high"]);
    }

    [Fact]
    public void Summarize_RejectsTooFewSamples_NamingTheProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => EvalMetrics.Summarize([new ProblemSamples("q9", "1", [S("1", true)])], 2, "tokens"));
        Assert.Contains("'q9'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => EvalMetrics.Summarize([], 1, "tokens"));
    }

    [Fact]
    public void Bootstrap_IsReproducibleWithSeed_AndChangesWithIt()
    {
        var values = Enumerable.Range(0, 50).Select(i => i % 3 == 0 ? 1.0 : 0.0).ToArray();
        var a = Bootstrap.MeanInterval(values, seed: 11);
        var b = Bootstrap.MeanInterval(values, seed: 11);
        Assert.Equal(a, b);
        // With continuous values the percentiles of two different resampling streams differ.
        var spread = Enumerable.Range(0, 50).Select(i => i * 37 % 101 / 101.0).ToArray();
        Assert.NotEqual(Bootstrap.MeanInterval(spread, seed: 11), Bootstrap.MeanInterval(spread, seed: 12));
        var mean = values.Average();
        Assert.True(a.Low < mean && mean < a.High);
        // Binomial standard error sqrt(p(1-p)/n) ~ 0.067: the 95% interval is about +-0.13 wide each side.
        Assert.InRange(a.High - a.Low, 0.18, 0.34);
    }

    [Fact]
    public void Bootstrap_ConstantValues_GiveZeroWidth() =>
        Assert.Equal((1.0, 1.0), Bootstrap.MeanInterval([1.0, 1.0, 1.0], seed: 0));
}
