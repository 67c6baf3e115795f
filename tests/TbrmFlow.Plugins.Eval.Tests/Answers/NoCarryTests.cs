using TbrmFlow.Plugins.Eval.Answers;

namespace TbrmFlow.Plugins.Eval.Tests.Answers;

public sealed class NoCarryTests
{
    [Theory]
    [InlineData("57", "68", "115")]  // 5+6 | (7+8) mod 10; true 125
    [InlineData("102", "78", "170")] // 1 | 0+7 | (2+8) mod 10; true 180
    [InlineData("45", "54", "99")]   // no carry: the truth
    [InlineData("9", "9", "18")]     // one column: written in full
    [InlineData("0", "0", "0")]
    public void Sum_ForgetsEveryCarry_AndWritesTheLeftmostColumnInFull(string a, string b, string expected) =>
        Assert.Equal(expected, NoCarry.Sum(a, b));
}
