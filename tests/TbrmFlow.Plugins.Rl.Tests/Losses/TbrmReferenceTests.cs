using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Torch.Scoring;
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

    /// <summary>
    /// A bf16 model's logits through the training path's scorer (<see cref="TokenLogits"/>: float32 logsumexp over
    /// bf16 logits, chunked, recomputed in backward) against the float64 loop reference: the error is what the bf16
    /// rounding of the logits alone causes (the float64 loop on the same bf16 logits), while a logsumexp kept in bf16
    /// (what the training path did before) is about twice as far off.
    /// </summary>
    [Theory]
    [InlineData(6, 0.5)]
    [InlineData(7, 2.0)]
    [InlineData(8, 1.0)]
    public void BFloat16Logits_Float32Scores_OnlyTheLogitRoundingRemains(int seed, double beta)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        const int B = 8, L = 12, H = 32, V = 257;
        var (_, tokens, mask, rewards, refLp) = TbrmLossTests.RandomInputs(B, L, V, generator, ScalarType.Float32);
        var states64 = randn([B, L, H], dtype: ScalarType.Float64, generator: generator);
        var head64 = randn([V, H], dtype: ScalarType.Float64, generator: generator) * 0.6;
        var options = new TbrmOptions { Beta = beta };
        var ids = T.Values(tokens).Select(x => (int)x).ToArray();
        double Reference(Tensor logits) =>
            Loop(T.Values(logits), ids, T.Values(mask), T.Values(rewards), T.Values(refLp), new double[B], B, L, V, 1.0, options).Trajectory;

        var exact = Reference(states64.matmul(head64.t()));                                    // float64 model, float64 loss
        var statesBf16 = states64.to(ScalarType.BFloat16);
        var headBf16 = head64.to(ScalarType.BFloat16);
        var logitsBf16 = statesBf16.matmul(headBf16.t());                                      // [B, L, V] bf16, what a bf16 model outputs
        var roundingOnly = Reference(logitsBf16.to(ScalarType.Float64));                       // float64 loss on the bf16 logits

        var stats = TokenLogits.Compute(h => h.matmul(headBf16.t()), statesBf16, tokens, V,
            new TokenLogitsOptions { ChunkElements = 3L * B * V });                            // 3 positions per chunk
        Assert.Equal(ScalarType.Float32, stats.LogProbs.dtype);
        var scored = T.Scalar(TbrmLoss.Trajectory(new TbrmBatch(stats.LogProbs * mask, stats.Lse, refLp, mask, rewards), options).Loss);

        var bf16Lse = logitsBf16.logsumexp(-1);                                                 // [B, L] kept in bf16 (the old path)
        var bf16Lp = logitsBf16.gather(-1, tokens.unsqueeze(-1)).squeeze(-1) - bf16Lse;
        var old = T.Scalar(TbrmLoss.Trajectory(new TbrmBatch(bf16Lp.to(ScalarType.Float32) * mask, bf16Lse.to(ScalarType.Float32), refLp, mask, rewards), options).Loss);

        double Rel(double x) => Math.Abs(x - exact) / exact;
        // float32 softmax adds nothing measurable to the logits' own bf16 rounding ...
        Assert.True(Math.Abs(scored - roundingOnly) <= 1e-5 * roundingOnly, $"scored {scored} vs float64-on-bf16-logits {roundingOnly}");
        // ... which is the whole remaining error. Per token, V(s) kept in bf16 (the old path) is about twice as far
        // from float64 than the float32 logsumexp over the same bf16 logits (the loss-level errors can cancel either way).
        var lse64 = states64.matmul(head64.t()).logsumexp(-1);                                 // [B, L]
        var newLseError = (stats.Lse.to(ScalarType.Float64) - lse64).abs().mean().item<double>();
        var oldLseError = (bf16Lse.to(ScalarType.Float64) - lse64).abs().mean().item<double>();
        Assert.True(newLseError < 0.6 * oldLseError,
            $"mean |V - V64|: float32 {newLseError:G3}, bf16 {oldLseError:G3}; loss relative error {Rel(scored):P3} vs {Rel(old):P3}");
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
