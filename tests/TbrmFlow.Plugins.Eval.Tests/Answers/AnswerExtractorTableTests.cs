using TbrmFlow.Plugins.Eval.Answers;

namespace TbrmFlow.Plugins.Eval.Tests.Answers;

/// <summary>The extraction table with the default options: (response, extracted answer or null).</summary>
public sealed class AnswerExtractorTableTests
{
    public static TheoryData<string, string?> Cases => new()
    {
        { "So the answer is \\boxed{42}.", "42" },
        { "\\boxed{\\frac{1}{2}}", "\\frac{1}{2}" },
        { "\\boxed{\\frac{\\sqrt{3}}{2}} done", "\\frac{\\sqrt{3}}{2}" },
        { "first \\boxed{1} then \\boxed{2}", "2" },
        { "\\boxed{(1, \\{2\\})}", "(1, \\{2\\})" },
        { "\\fbox{7}", "7" },
        { "\\boxed 5 is it", "5" },
        { "\\boxed{3} and an unterminated \\boxed{4", "3" },
        { "\\boxed{}", null }, // an empty box and no number anywhere
        { "Natalia sold 48/2 = 24 clips.\n#### 72", "72" },
        { "#### 1,234", "1,234" },
        { "#### 5. Extra text", "5" },
        { "#### -3", "-3" },
        { "The answer is 17.", "17" },
        { "the answer is: $\\frac{3}{4}$.", "$\\frac{3}{4}$" },
        { "Final answer: 12", "12" },
        { "The final answer is 3.5. I hope", "3.5" },
        { "The answer is \\boxed{9}. Not 10", "9" },
        { "1 + 2 = 3", "3" },
        { "10-3", "3" }, // a binary minus is not a sign
        { "it is -3", "-3" },
        { "x = -3", "-3" },
        { "total 1,234,567 apples", "1,234,567" },
        { "about 2.75 units", "2.75" },
        { "ratio 3/4", "3/4" },
        { "no digits here", null },
        { "", null },
        { "579", "579" },
        { "123+456=579", "579" },
        { "(5)", "5" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Extract_MatchesTable(string response, string? expected) =>
        Assert.Equal(expected, AnswerExtractor.Extract(response));

    [Fact]
    public void Extract_BoxedOnly_IgnoresOtherPatterns()
    {
        Assert.Null(AnswerExtractor.Extract("The answer is 5\n#### 5", AnswerExtractionOptions.BoxedOnly));
        Assert.Equal("6", AnswerExtractor.Extract("#### 5 \\boxed{6}", AnswerExtractionOptions.BoxedOnly));
    }

    [Fact]
    public void Extract_FollowsConfiguredOrder()
    {
        var hashFirst = new AnswerExtractionOptions { Patterns = [AnswerPattern.Hash, AnswerPattern.Boxed] };
        Assert.Equal("1", AnswerExtractor.Extract("\\boxed{2}\n#### 1", hashFirst));
        Assert.Equal("2", AnswerExtractor.Extract("\\boxed{2}\n#### 1"));
    }

    [Fact]
    public void Extract_WithoutLastNumber_ReturnsNullForBareNumbers() =>
        Assert.Null(AnswerExtractor.Extract("I think 42", new AnswerExtractionOptions { Patterns = [AnswerPattern.Boxed, AnswerPattern.AnswerIs] }));
}
