using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Tests.Losses;

/// <summary>Small helpers to build tensors and read them back in tests.</summary>
internal static class T
{
    public static Tensor F(float[] values, params long[] shape) => tensor(values).reshape(shape);

    public static double Scalar(Tensor t) => t.to_type(ScalarType.Float64).item<double>();

    public static double[] Values(Tensor t) => t.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    public static void Close(double expected, Tensor actual, double tolerance = 1e-5) =>
        Assert.InRange(Scalar(actual), expected - tolerance, expected + tolerance);

    public static void Close(double[] expected, Tensor actual, double tolerance = 1e-5)
    {
        var values = Values(actual);
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {values[i]}");
        }
    }
}
