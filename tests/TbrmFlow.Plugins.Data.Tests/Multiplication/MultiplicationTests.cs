using System.Globalization;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Data.Multiplication;
using TbrmFlow.Testing;

namespace TbrmFlow.Plugins.Data.Tests.Multiplication;

public sealed class MultiplicationTests
{
    [Fact]
    public void Scratchpad_WritesPartialProductsThenRunningSums()
    {
        Assert.Equal(("347*8=2776;347*60=20820;2776+20820=23596", 23596L), Scratchpad.Write(347, 68, _ => false));
        // 3 digits: the zero digit keeps its (zero) partial product so every solution has the same shape.
        Assert.Equal(("25*3=75;25*0=0;25*100=2500;75+0=75;75+2500=2575", 2575L), Scratchpad.Write(25, 103, _ => false));
        Assert.Equal(("9*7=63", 63L), Scratchpad.Write(9, 7, _ => false));
    }

    [Fact]
    public void NoCarryProduct_KeepsEachColumnsUnits_AndTheLeftmostInFull()
    {
        // 347*8: 3*8=24 | 4*8=32 -> 2 | 7*8=56 -> 6
        Assert.Equal(2426, Scratchpad.NoCarryProduct(347, 8));
        Assert.Equal(246, Scratchpad.NoCarryProduct(123, 2)); // no carries: the same as the truth
        Assert.Equal(0, Scratchpad.NoCarryProduct(347, 0));
        // A wrong partial product (347*6: 18 | 4 | 2 -> 1842, true 2082) flows into a correctly computed sum: wrong final answer.
        var (text, result) = Scratchpad.Write(347, 68, i => i == 1);
        Assert.Equal("347*8=2776;347*60=18420;2776+18420=21196", text);
        Assert.Equal(21196, result);
    }

    [Fact]
    public async Task Handle_WritesDisjointSets_WithCleanHeldOutSolutions_AndNoiseOnlyInTrain()
    {
        using var ctx = new RecordingActivityContext();
        var result = await new MultiplicationHandler(ctx).Handle(
            new MultiplicationRequest { TrainSize = 2000, TestSize = 300, StepNoise = 0.3, Seed = 3 }, CancellationToken.None);
        var train = PromptSetFiles.Read(result.Train.Path);
        var test = PromptSetFiles.Read(result.Test.Path);
        Assert.Equal((2000, 300), (train.Count, test.Count));
        Assert.Empty(train.Select(p => p.Question).Intersect(test.Select(p => p.Question)));
        foreach (var p in train.Concat(test))
        {
            var m = System.Text.RegularExpressions.Regex.Match(p.Question, @"^(\d{3})\*(\d{2})=$");
            Assert.True(m.Success, p.Question);
            Assert.Equal((long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture), p.Answer);
            Assert.InRange(p.Solution!.Length, 30, 100); // a long-reasoning response, EOS not counted
        }
        Assert.All(test, p => Assert.EndsWith("=" + p.Answer, p.Solution, StringComparison.Ordinal));
        // Two partial products each wrong with p = 0.3 when it has a carry: between a third and a half of the solutions end wrong.
        var wrong = train.Count(p => !p.Solution!.EndsWith("=" + p.Answer, StringComparison.Ordinal));
        Assert.InRange(wrong / 2000.0, 0.3, 0.5);
        Assert.Equal(wrong / 2000.0, ctx.Metrics.Single().Metrics["data/train_wrong_solutions"], 9);
    }

    [Fact]
    public void Generate_IsDeterministic_AndNoiseDoesNotChangeTheProblems()
    {
        var request = new MultiplicationRequest { TrainSize = 100, TestSize = 20, Seed = 7 };
        var clean = MultiplicationHandler.Generate(request);
        var noisy = MultiplicationHandler.Generate(request with { StepNoise = 0.5 });
        Assert.Equal(clean.Select(p => p.Question), MultiplicationHandler.Generate(request).Select(p => p.Question));
        Assert.Equal(clean.Select(p => p.Question), noisy.Select(p => p.Question));
        Assert.NotEqual(clean.Select(p => p.Solution), noisy.Select(p => p.Solution));
        Assert.NotEqual(clean.Select(p => p.Question), MultiplicationHandler.Generate(request with { Seed = 8 }).Select(p => p.Question));
    }

    [Theory]
    [InlineData(0, 2, 0.0, 10, "digits_a must be in 1..6, got 0")]
    [InlineData(3, 5, 0.0, 10, "digits_b must be in 1..4, got 5")]
    [InlineData(3, 2, 1.5, 10, "step_noise must be in [0, 1], got 1.5")]
    [InlineData(1, 1, 0.0, 200, "only 100 distinct problems with digits_a=1, digits_b=1; asked for train_size + test_size = 210")]
    public void Generate_BadSettings_NameTheFieldAndItsAllowedValues(int digitsA, int digitsB, double noise, int train, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => MultiplicationHandler.Generate(
            new MultiplicationRequest { DigitsA = digitsA, DigitsB = digitsB, StepNoise = noise, TrainSize = train, TestSize = 10 }));
        Assert.Equal(message, error.Message);
    }
}
