using System.Numerics;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Data.Arithmetic;

using TbrmFlow.Testing;

namespace TbrmFlow.Plugins.Data.Tests.Arithmetic;

public sealed class ArithmeticTests
{
    [Fact]
    public async Task Handle_Defaults_WriteCompactSumsToDisjointSets()
    {
        using var ctx = new RecordingActivityContext();
        var result = await new ArithmeticHandler(ctx).Handle(new ArithmeticRequest { TrainSize = 300, TestSize = 50 }, CancellationToken.None);
        var train = PromptSetFiles.Read(result.Train.Path);
        var test = PromptSetFiles.Read(result.Test.Path);
        Assert.Equal(300, train.Count);
        Assert.Equal(50, test.Count);
        Assert.Empty(train.Select(p => p.Question).Intersect(test.Select(p => p.Question)));
        foreach (var p in train.Concat(test))
        {
            var m = System.Text.RegularExpressions.Regex.Match(p.Question, @"^(\d{2})\+(\d{2})=$");
            Assert.True(m.Success, p.Question);
            Assert.Equal((int.Parse(m.Groups[1].Value) + int.Parse(m.Groups[2].Value)).ToString(), p.Answer);
            Assert.Null(p.Solution);
            Assert.Equal(int.Parse(m.Groups[1].Value), (int)p.Meta!["a"]!);
        }
        Assert.Equal(300, ctx.Metrics.Single().Metrics["data/train_size"]);
    }

    [Fact]
    public void Generate_SameSeed_SameProblems_OtherSeed_Different()
    {
        var request = new ArithmeticRequest { Digits = 3, Operations = 3, Operators = "+-*", TrainSize = 50, TestSize = 10, Seed = 7 };
        var a = ArithmeticHandler.Generate(request).Select(p => p.Question).ToList();
        Assert.Equal(a, ArithmeticHandler.Generate(request).Select(p => p.Question));
        Assert.NotEqual(a, ArithmeticHandler.Generate(request with { Seed = 8 }).Select(p => p.Question));
    }

    [Theory]
    [InlineData("12+34*5=", "182", "34*5=170 12+170=182")]
    [InlineData("2*3*4-5=", "19", "2*3=6 6*4=24 24-5=19")]
    [InlineData("1-20+3=", "-16", "1-20=-19 -19+3=-16")]
    public void Expression_PrecedenceAndSteps(string question, string answer, string steps)
    {
        var (operands, ops) = Parse(question);
        var (value, worked) = new ArithmeticExpression(operands, ops).Evaluate();
        Assert.Equal(BigInteger.Parse(answer), value);
        Assert.Equal(steps, string.Join(' ', worked));
    }

    [Fact]
    public void Generate_MixedOperators_AnswersMatchAnIndependentEvaluator_AndSolutionsEndWithTheAnswer()
    {
        var problems = ArithmeticHandler.Generate(new ArithmeticRequest { Digits = 2, Operations = 3, Operators = "+-*", ChainOfThought = true, TrainSize = 200, TestSize = 0 });
        Assert.Contains(problems, p => p.Answer.StartsWith('-'));
        Assert.Equal(3, problems.Select(p => p.Question).SelectMany(q => q.Where(c => c is '+' or '-' or '*')).Distinct().Count());
        foreach (var p in problems)
        {
            Assert.Equal(EvaluateIndependently(p.Question.TrimEnd('=')), BigInteger.Parse(p.Answer));
            Assert.EndsWith("=" + p.Answer, p.Solution, StringComparison.Ordinal);
            Assert.Equal(3, p.Solution!.Split(' ').Length);
        }
    }

    [Fact]
    public void Generate_QuestionStyle()
    {
        var p = ArithmeticHandler.Generate(new ArithmeticRequest { Operations = 2, Operators = "-", Style = ArithmeticStyle.Question, TrainSize = 1, TestSize = 0 })[0];
        Assert.Matches(@"^What is \d{2} - \d{2} - \d{2}\?$", p.Question);
    }

    [Theory]
    [InlineData(0, 1, "+", 1, "digits must be in 1..9")]
    [InlineData(2, 0, "+", 1, "operations must be in 1..8")]
    [InlineData(2, 1, "/", 1, "operators must be made of '+', '-', '*'")]
    [InlineData(1, 1, "+", 101, "only 100 distinct problems")]
    public void Generate_BadSettings_NameTheInput(int digits, int operations, string operators, int train, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ArithmeticHandler.Generate(new ArithmeticRequest { Digits = digits, Operations = operations, Operators = operators, TrainSize = train, TestSize = 0 }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_WholePool_OneDigitSums_AllHundredDistinct() =>
        Assert.Equal(100, ArithmeticHandler.Generate(new ArithmeticRequest { Digits = 1, TrainSize = 90, TestSize = 10 }).Select(p => p.Question).Distinct().Count());

    private static (long[] Operands, char[] Ops) Parse(string question)
    {
        var parts = System.Text.RegularExpressions.Regex.Split(question.TrimEnd('='), @"([+\-*])");
        return (parts.Where((_, i) => i % 2 == 0).Select(long.Parse).ToArray(), parts.Where((_, i) => i % 2 == 1).Select(s => s[0]).ToArray());
    }

    // Reference: sum of products, scanning terms separated by + and -.
    private static BigInteger EvaluateIndependently(string expression)
    {
        var total = BigInteger.Zero;
        foreach (System.Text.RegularExpressions.Match term in System.Text.RegularExpressions.Regex.Matches(expression, @"([+-]?)([\d*]+)"))
        {
            var product = term.Groups[2].Value.Split('*').Aggregate(BigInteger.One, (acc, f) => acc * BigInteger.Parse(f));
            total += term.Groups[1].Value == "-" ? -product : product;
        }
        return total;
    }
}
