using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

/// <summary>
/// Tests that read libtorch's process-wide generator run alone: any other test class that draws from it
/// (randn, randint after manual_seed) would otherwise race between the seed and the draw, as CI once showed.
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
