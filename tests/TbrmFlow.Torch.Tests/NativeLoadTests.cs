using TorchSharp;
using static TorchSharp.torch;

namespace TbrmFlow.Torch.Tests;

/// <summary>Fails CI when libtorch does not load or autograd is broken.</summary>
public sealed class NativeLoadTests
{
    [Fact]
    public void Backward_GivesAnalyticGradient()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        // f(x) = sum(x^3 + 2x) => df/dx = 3x^2 + 2; at x = [1, -2, 0.5]: [5, 14, 2.75]
        var x = tensor(new[] { 1f, -2f, 0.5f }, requires_grad: true);
        var f = (x.pow(3) + (2 * x)).sum();
        f.backward();
        Assert.Equal(new[] { 5f, 14f, 2.75f }, x.grad!.data<float>().ToArray());
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("auto")]
    public void ResolveDevice_FallsBackToCpuWithoutCuda(string name)
    {
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice(name).type);
    }

    [Fact]
    public void ResolveDevice_RejectsUnknownNamesWithTheAllowedOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice("tpu"));
        Assert.Contains("auto, cpu, cuda, cuda:N", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto", new int[0], "auto")]
    [InlineData("auto", new[] { 3 }, "cuda:3")]
    [InlineData("cuda", new[] { 1, 2 }, "cuda:1")]
    [InlineData("cpu", new[] { 3 }, "cpu")]
    [InlineData("cuda:0", new[] { 3 }, "cuda:0")]
    public void DeviceName_PinsAutoAndCudaToTheWorkersAssignedGpu(string name, int[] assigned, string expected)
    {
        Assert.Equal(expected, TorchRuntime.DeviceName(name, assigned));
    }
}
