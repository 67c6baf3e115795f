using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

/// <summary>
/// Tests that read process-wide state run alone: libtorch's global generator (another class drawing from it raced
/// between a seed and its draw, as CI once showed) and the process's resident set (<see cref="MemoryTests"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorGroup
{
    public const string Name = "libtorch global generator";
}

[Collection(GlobalGeneratorGroup.Name)]
public sealed class GlobalSeedTests
{
    [Fact]
    public void Seed_MakesRandomDrawsRepeatable()
    {
        using var scope = NewDisposeScope();
        TorchRuntime.Seed(7);
        var a = randn(5).data<float>().ToArray();
        TorchRuntime.Seed(7);
        var b = randn(5).data<float>().ToArray();
        TorchRuntime.Seed(8);
        var c = randn(5).data<float>().ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
