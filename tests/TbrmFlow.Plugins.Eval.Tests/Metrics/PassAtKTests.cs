using TbrmFlow.Plugins.Eval.Metrics;

namespace TbrmFlow.Plugins.Eval.Tests.Metrics;

public sealed class PassAtKTests
{
    // n = 5, c = 2: 1 - C(3,k)/C(5,k) = 1 - 3/5, 1 - 3/10, 1 - 1/10; k = 4 cannot miss both correct samples.
    [Theory]
    [InlineData(1, 0.4)]
    [InlineData(2, 0.7)]
    [InlineData(3, 0.9)]
    [InlineData(4, 1.0)]
    [InlineData(5, 1.0)]
    public void Estimate_N5C2_MatchesHandComputed(int k, double expected) =>
        Assert.Equal(expected, PassAtK.Estimate(5, 2, k), 12);

    [Theory]
    [InlineData(10, 0, 3, 0.0)]
    [InlineData(10, 10, 3, 1.0)]
    [InlineData(4, 1, 1, 0.25)]
    [InlineData(4, 1, 2, 0.5)] // 1 - C(3,2)/C(4,2) = 1 - 3/6
    public void Estimate_EdgeCases(int n, int c, int k, double expected) =>
        Assert.Equal(expected, PassAtK.Estimate(n, c, k), 12);

    [Fact]
    public void Estimate_KIsOne_EqualsFractionCorrect() =>
        Assert.Equal(7 / 32.0, PassAtK.Estimate(32, 7, 1), 12);

    [Theory]
    [InlineData(5, 6, 1)]
    [InlineData(5, 2, 0)]
    [InlineData(5, 2, 6)]
    [InlineData(5, -1, 1)]
    public void Estimate_RejectsInvalidArguments(int n, int c, int k) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Estimate(n, c, k));
}
