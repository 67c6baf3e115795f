using System.Numerics;
using TbrmFlow.Plugins.Data.Arithmetic;

namespace TbrmFlow.Plugins.Data.Tests.Arithmetic;

public sealed class StepNoiseTests
{
    [Fact]
    public void NoCarrySum_ForgetsEveryCarry_AndWritesTheLeftmostColumnInFull()
    {
        Assert.Equal(new BigInteger(170), ArithmeticExpression.NoCarrySum(102, 78)); // true 180
        Assert.Equal(new BigInteger(115), ArithmeticExpression.NoCarrySum(57, 68));  // true 125
        Assert.Equal(new BigInteger(99), ArithmeticExpression.NoCarrySum(45, 54));   // no carry: the truth
    }

    [Fact]
    public void NoisyStep_FlowsIntoTheStepsAfterIt()
    {
        var expression = new ArithmeticExpression([57, 68, 10], ['+', '+']);
        var first = true;
        var (value, steps) = expression.Evaluate(() => { var noisy = first; first = false; return noisy; });
        Assert.Equal(["57+68=115", "115+10=125"], steps);
        Assert.Equal(new BigInteger(125), value);
        Assert.Equal(["57+68=125", "125+10=135"], expression.Evaluate().Steps);
    }

    [Fact]
    public void Generate_NoiseOnlyInTrainSolutions_AnswersStayRight_ProblemsUnchanged()
    {
        var request = new ArithmeticRequest { Digits = 2, Operations = 4, ChainOfThought = true, TrainSize = 1000, TestSize = 200, Seed = 2 };
        var clean = ArithmeticHandler.Generate(request);
        var noisy = ArithmeticHandler.Generate(request with { StepNoise = 0.3 });
        Assert.Equal(clean.Select(p => (p.Question, p.Answer)), noisy.Select(p => (p.Question, p.Answer)));
        Assert.Equal(clean.Skip(1000).Select(p => p.Solution), noisy.Skip(1000).Select(p => p.Solution));
        var wrong = noisy.Take(1000).Count(p => !p.Solution!.EndsWith("=" + p.Answer, StringComparison.Ordinal));
        Assert.InRange(wrong / 1000.0, 0.2, 0.8);
        Assert.All(clean, p => Assert.EndsWith("=" + p.Answer, p.Solution, StringComparison.Ordinal));
    }

    [Fact]
    public void StepNoise_WithoutChainOfThought_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => ArithmeticHandler.Generate(new ArithmeticRequest { StepNoise = 0.2 }));
        Assert.Equal("step_noise needs chain_of_thought: true (it writes mistakes into the worked steps)", error.Message);
    }
}
