using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;

namespace TbrmFlow.Plugins.Eval.Tests.Rewards;

public sealed class RewardFunctionsTests
{
    private static readonly Problem Half = new() { Id = "p", Question = "1/2 = ?", Answer = "\\frac{1}{2}" };
    private static readonly Problem Sum = new() { Id = "s", Question = "123+456=", Answer = "579" };

    [Fact]
    public void Get_UnknownName_ListsValidNames()
    {
        var e = Assert.Throws<ArgumentException>(() => RewardFunctions.Get("mathh"));
        Assert.Contains("'mathh'", e.Message, StringComparison.Ordinal);
        Assert.Contains("exact, exact+format, math, math+format", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exact", "\\boxed{\\dfrac12}", 1.0)]
    [InlineData("exact", "\\boxed{0.5}", 0.0)]
    [InlineData("math", "\\boxed{0.5}", 1.0)]
    [InlineData("math", "The answer is 50%.", 1.0)]
    [InlineData("math", "\\boxed{0.6}", 0.0)]
    [InlineData("math", "", 0.0)]
    [InlineData("math+format", "\\boxed{0.5}", 1.1)]
    [InlineData("math+format", "\\boxed{0.6}", 0.1)]
    [InlineData("math+format", "The answer is 0.5", 1.0)]
    public void Score_Half(string name, string response, double expected) =>
        Assert.Equal(expected, RewardFunctions.Get(name).Score(Half, response), 12);

    [Theory]
    [InlineData("579", 1.0)]
    [InlineData("5790", 0.0)]
    [InlineData("57", 0.0)]
    [InlineData("", 0.0)]
    [InlineData("abc", 0.0)]
    [InlineData("579 ", 1.0)]
    public void Score_CompactArithmetic_ExactAndMathAgree(string response, double expected)
    {
        Assert.Equal(expected, RewardFunctions.Get("exact").Score(Sum, response));
        Assert.Equal(expected, RewardFunctions.Get("math").Score(Sum, response));
    }

    [Fact]
    public void Names_AreTheRegistryKeys() =>
        Assert.All(RewardFunctions.Names, n => Assert.Equal(n, RewardFunctions.Get(n).Name));
}
