using TbrmFlow.Plugins.Rl.Losses;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Tests.Losses;

/// <summary>The vectorised TBRM losses against plain loops over trajectories and tokens.</summary>
public sealed class TbrmReferenceTests
{
    [Theory]
    [InlineData(1, 1.0, 0.05, false)]
    [InlineData(2, 0.7, 0.5, false)]
    [InlineData(3, 1.3, 0.01, true)]
    public void Vectorised_EqualsLoopReference(int seed, double temperature, double beta, bool calibrate)
    {
        using var generator = new Generator((ulong)seed);
        const int B = 6, L = 7, V = 9;
        var (logits, tokens, mask, rewards, refLp) = TbrmLossTests.RandomInputs(B, L, V, generator, ScalarType.Float32);
        var refVs1 = randn([B], generator: generator) * 2;
        var options = new TbrmOptions { Beta = beta, RewardScale = 1.5, CalibrateV = calibrate };
        var (lp, lse) = TokenScores.LogProbsAndLse(logits, tokens, temperature);
        var batch = new TbrmBatch(lp, lse, refLp, mask, rewards, refVs1);
        var vectorTrajectory = T.Scalar(TbrmLoss.Trajectory(batch, options).Loss);
        var vectorToken = T.Scalar(TbrmLoss.TokenBrm(batch, options).Loss);

        var (loopTrajectory, loopToken) = Loop(
            T.Values(logits), T.Values(tokens).Select(x => (int)x).ToArray(), T.Values(mask), T.Values(rewards), T.Values(refLp), T.Values(refVs1),
            B, L, V, temperature, options);
        // float32 against float64 loops; targets up to 1.5/0.01 = 150, so squares reach ~1e4.
        Assert.True(Math.Abs(vectorTrajectory - loopTrajectory) <= 1e-4 * Math.Max(1, loopTrajectory), $"trajectory {vectorTrajectory} vs loop {loopTrajectory}");
        Assert.True(Math.Abs(vectorToken - loopToken) <= 1e-4 * Math.Max(1, loopToken), $"token {vectorToken} vs loop {loopToken}");
    }

    private static (double Trajectory, double Token) Loop(
        double[] logits, int[] tokens, double[] mask, double[] rewards, double[] refLp, double[] refVs1,
        int b, int t, int v, double temperature, TbrmOptions options)
    {
        double Lse(int i, int h)
        {
            var max = double.NegativeInfinity;
            for (var k = 0; k < v; k++)
            {
                max = Math.Max(max, logits[((i * t) + h) * v + k] / temperature);
            }
            var sum = 0.0;
            for (var k = 0; k < v; k++)
            {
                sum += Math.Exp((logits[((i * t) + h) * v + k] / temperature) - max);
            }
            return max + Math.Log(sum);
        }
        double Logit(int i, int h) => logits[((i * t) + h) * v + tokens[(i * t) + h]] / temperature;

        var trajectory = 0.0;
        var token = 0.0;
        for (var i = 0; i < b; i++)
        {
            var length = 0;
            while (length < t && mask[(i * t) + length] > 0)
            {
                length++;
            }
            var target = options.RewardScale * rewards[i] / options.Beta;
            var anchor = options.CalibrateV ? refVs1[i] : 0.0;
            var delta = Lse(i, 0) - anchor - target;
            for (var h = 0; h < length; h++)
            {
                delta += Logit(i, h) - Lse(i, h) - refLp[(i * t) + h];
            }
            trajectory += delta * delta / b;

            var squares = 0.0;
            for (var h = 0; h < length; h++)
            {
                var next = h + 1 < length ? Lse(i, h + 1) : 0.0;
                var d = Logit(i, h) - refLp[(i * t) + h] - next - (h == length - 1 ? target : 0.0) - (h == 0 ? anchor : 0.0);
                squares += d * d;
            }
            token += squares / b;
        }
        return (trajectory, token);
    }
}
